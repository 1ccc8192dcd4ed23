#include "engine/core/operator.h"

namespace sluice {

std::string StageConfig::option_string(const std::string& name, const std::string& def) const {
  const Value* v = option(name);
  if (v == nullptr || v->is_null()) return def;
  if (v->type() == Type::String || v->type() == Type::Bytes) return v->as_string();
  return v->to_display();
}

int64_t StageConfig::option_int(const std::string& name, int64_t def) const {
  const Value* v = option(name);
  if (v == nullptr) return def;
  switch (v->type()) {
    case Type::Int:
      return v->as_int();
    case Type::UInt:
      return static_cast<int64_t>(v->as_uint());
    case Type::Decimal:
      return v->as_decimal().to_int64().value_or(def);
    case Type::Bool:
      return v->as_bool() ? 1 : 0;
    default:
      return def;
  }
}

bool StageConfig::option_bool(const std::string& name, bool def) const {
  const Value* v = option(name);
  if (v == nullptr) return def;
  if (v->type() == Type::Bool) return v->as_bool();
  if (v->type() == Type::Int) return v->as_int() != 0;
  if (v->type() == Type::String) {
    if (v->as_string() == "true") return true;
    if (v->as_string() == "false") return false;
  }
  return def;
}

}  // namespace sluice
