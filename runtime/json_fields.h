// Small accessors for JSON answers of the management API (parsed with json::parse).
#pragma once
#include <string>

#include "base/value.h"

namespace sluice::runtime {

inline const Value* json_field(const Value& v, const char* name) {
  if (v.type() != Type::Object) return nullptr;
  return v.as_object().find(intern(name));
}

inline double json_number(const Value* v) {
  if (!v) return 0;
  switch (v->type()) {
    case Type::Int:
      return static_cast<double>(v->as_int());
    case Type::UInt:
      return static_cast<double>(v->as_uint());
    case Type::Float:
      return v->as_float();
    case Type::Decimal:
      return v->as_decimal().to_double();
    default:
      return 0;
  }
}

inline std::string json_text(const Value* v) {
  if (!v || v->type() != Type::String) return "";
  return v->as_string();
}

}  // namespace sluice::runtime
