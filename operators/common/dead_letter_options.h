// The `dead_letter` and `on_error` options of a source that meets input it cannot turn into
// changes (file, kafka, mongodb, mysql), declared once with their bindings to O's dead_letter
// and on_error.
#pragma once
#include <string>
#include <utility>

#include "operators/common/spec_builder.h"

namespace sluice::operators {

// receives: what the dead-letter sink receives ("malformed records"); on_error_doc: what each
// choice does with it here, the default included (it differs by source).
template <class O>
void add_dead_letter_options(BoundSpec<O>& k, const std::string& receives,
                             std::string on_error_doc) {
  k.add(option("dead_letter", OptType::String, "",
               "The sink that receives " + receives + " (a stage name)."),
        &O::dead_letter);
  k.add(enum_option("on_error", {"dead_letter", "skip", "fail"}, "", std::move(on_error_doc)),
        &O::on_error);
}

}  // namespace sluice::operators
