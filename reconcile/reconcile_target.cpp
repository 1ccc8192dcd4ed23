#include "reconcile/reconcile_target.h"

#include "reconcile/errc.h"

namespace sluice::reconcile {

result<RowDigest> ReconcileTarget::source_document(const Object&) {
  return error::permanent(errc::compare, name() +
                                             ": cannot compare the documents of a MongoDB "
                                             "source (this kind of target holds MySQL rows)");
}

std::string unknown_field_cell(const std::string& name, const Value& v) {
  return "\x02" + name + "=" + v.to_display();
}

}  // namespace sluice::reconcile
