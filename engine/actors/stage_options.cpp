#include "engine/actors/actor_setup.h"

namespace sluice::engine {

StageOptions StageOptions::from(const StageConfig& cfg) {
  StageOptions o;
  int64_t batch_rows = 0;
  if (const Value* b = cfg.option("batch"); b && b->type() == Type::Object) {
    const Value* rows = b->as_object().find(intern("rows"));
    if (rows != nullptr && rows->type() == Type::Int) batch_rows = rows->as_int();
  }
  o.buffer = std::max<int64_t>(1, cfg.option_int("buffer", default_buffer(batch_rows)));
  if (const Value* r = cfg.option("retry"); r && r->type() == Type::Object) {
    const Object& ro = r->as_object();
    if (const Value* a = ro.find(intern("attempts")); a && a->type() == Type::Int) {
      o.retry_attempts = static_cast<int>(std::max<int64_t>(1, a->as_int()));
    }
    o.retry_backoff = BackoffPolicy::from_value(ro.find(intern("backoff")));
  }
  o.dead_letter = cfg.option_string("dead_letter");
  o.on_error = cfg.on_error();
  o.rate_limit = cfg.option_int("rate_limit", 0);
  return o;
}

}  // namespace sluice::engine
