#include "operators/common/stage_options.h"

#include <memory>

#include "base/secrets.h"
#include "base/temporal.h"
#include "engine/core/errc.h"

namespace sluice::operators {

const ast::Option* find_block(const ast::Stage* stage, const std::string& name) {
  if (stage == nullptr) return nullptr;
  for (const auto& o : stage->options) {
    if (o.is_block && o.name == name) return &o;
  }
  return nullptr;
}

void mark_dead(Event& e, const std::string& stage, error_code code, const std::string& message) {
  auto d = std::make_shared<DeadLetterInfo>();
  d->stage = stage;
  d->code = code;
  d->message = secrets::redact(message);
  d->attempts = 1;
  d->at = temporal::now_micros();
  e.dead_letter = std::move(d);
}

void mark_dead(Event& e, const std::string& stage, const error& err) {
  mark_dead(e, stage, err.code ? err.code : engine::errc::process_failed, err.message);
}

bool routes_bad_input(const std::string& dead_letter, const std::string& on_error) {
  return !dead_letter.empty() ? on_error != "skip"
                              : on_error == "fail" || on_error == "dead_letter";
}

}  // namespace sluice::operators
