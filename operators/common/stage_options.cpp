#include "operators/common/stage_options.h"

#include <memory>

#include "base/secrets.h"
#include "base/temporal.h"
#include "engine/core/errc.h"

namespace sluice::operators {

result<void> opt_names(const StageConfig& c, const std::string& name, const std::string& where,
                       const std::string& what, std::vector<std::string>& out) {
  const Value* v = c.option(name);
  if (v == nullptr || v->is_null()) return {};
  auto bad = [&] { return error::fatal(where + name + " must list " + what + " names"); };
  if (v->type() == Type::String && !v->as_string().empty()) {
    out.push_back(v->as_string());
    return {};
  }
  if (v->type() != Type::List) return bad();
  for (const Value& x : v->as_list()) {
    if (x.type() != Type::String || x.as_string().empty()) return bad();
    out.push_back(x.as_string());
  }
  return {};
}

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

}  // namespace sluice::operators
