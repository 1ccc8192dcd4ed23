#include "engine/actors/backoff_policy.h"

#include <algorithm>

namespace sluice::engine {

int64_t BackoffPolicy::delay_us(int attempt) const {
  if (!exponential) return min_us;
  int64_t d = std::max<int64_t>(min_us, 1);
  for (int i = 1; i < attempt && d < max_us; ++i) d *= 2;
  return std::min(d, max_us);
}

BackoffPolicy BackoffPolicy::from_value(const Value* v, BackoffPolicy def) {
  if (v == nullptr || v->type() != Type::Object) return def;
  const Object& o = v->as_object();
  BackoffPolicy p = def;
  if (const Value* k = o.find(intern("kind")); k && k->type() == Type::String) {
    p.exponential = k->as_string() != "fixed";
  }
  if (const Value* m = o.find(intern("min")); m && m->type() == Type::Int) p.min_us = m->as_int();
  if (const Value* m = o.find(intern("max")); m && m->type() == Type::Int) p.max_us = m->as_int();
  if (!p.exponential) p.max_us = p.min_us;
  return p;
}

BackoffPolicy BackoffPolicy::from_value(const Value* v) { return from_value(v, BackoffPolicy{}); }

Value BackoffPolicy::to_value() const {
  Object o;
  o.append(intern("kind"), Value::string(exponential ? "exponential" : "fixed"));
  o.append(intern("min"), Value::int64(min_us));
  o.append(intern("max"), Value::int64(max_us));
  return Value::object(std::move(o));
}

}  // namespace sluice::engine
