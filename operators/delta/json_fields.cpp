#include "operators/delta/json_fields.h"

#include <chrono>

namespace sluice::operators::delta {

const Value* json_member(const Value& v, const char* name) {
  return v.type() == Type::Object ? v.as_object().find(intern(name)) : nullptr;
}

std::string json_string(const Value& v, const char* name) {
  const Value* m = json_member(v, name);
  return m != nullptr && m->type() == Type::String ? m->as_string() : std::string();
}

int64_t json_int(const Value& v, const char* name, int64_t def) {
  const Value* m = json_member(v, name);
  if (m == nullptr) return def;
  if (m->type() == Type::Int) return m->as_int();
  if (m->type() == Type::UInt) return static_cast<int64_t>(m->as_uint());
  return def;
}

int64_t now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sluice::operators::delta
