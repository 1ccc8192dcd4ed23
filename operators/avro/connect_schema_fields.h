// Reading a parsed Kafka Connect schema (the JSON converter's "schema"): a member that is set,
// its text, its flag.
#pragma once
#include <string>

#include "base/value.h"

namespace sluice::operators::avro {

// The member `name` of `o`, nullptr when absent or null.
inline const Value* member(const Object& o, const char* name) {
  const Value* v = o.find(intern(name));
  return v != nullptr && !v->is_null() ? v : nullptr;
}

// The member's text ("" when it is not a string).
inline std::string text_of(const Object& o, const char* name) {
  const Value* v = member(o, name);
  return v != nullptr && v->type() == Type::String ? v->as_string() : std::string();
}

inline bool flag_of(const Object& o, const char* name) {
  const Value* v = member(o, name);
  return v != nullptr && v->type() == Type::Bool && v->as_bool();
}

}  // namespace sluice::operators::avro
