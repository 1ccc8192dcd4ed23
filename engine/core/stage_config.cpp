#include "engine/core/operator.h"
#include "engine/core/option_value.h"

namespace sluice {

std::string StageConfig::option_string(const std::string& name, const std::string& def) const {
  const Value* v = option(name);
  return v == nullptr || v->is_null() ? def : option_value::text_of(*v);
}

OnError StageConfig::on_error() const {
  const std::string mode = option_string("on_error");
  if (mode == "skip") return OnError::Skip;
  if (mode == "fail" || option_string("dead_letter").empty()) return OnError::Fail;
  return OnError::DeadLetter;
}

int64_t StageConfig::option_int(const std::string& name, int64_t def) const {
  const Value* v = option(name);
  return v == nullptr ? def : option_value::int_of(*v).value_or(def);
}

bool StageConfig::option_bool(const std::string& name, bool def) const {
  const Value* v = option(name);
  return v == nullptr ? def : option_value::bool_of(*v).value_or(def);
}

}  // namespace sluice
