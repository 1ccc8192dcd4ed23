#include "engine/actors/operator_guard.h"

#include "base/secrets.h"
#include "engine/actors/messages.h"

namespace sluice::engine {

caf::error OperatorGuard::on_throw(caf::event_based_actor* self, const ActorSetup& setup,
                                   const std::string& who, std::exception_ptr& ep, bool* failed) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  setup.counters->errors.fetch_add(1, std::memory_order_relaxed);
  std::string reason = secrets::redact(who + " threw: " + what);
  log::error("engine", setup.cfg.pipeline + ": " + reason);
  self->send(setup.supervisor, fail_atom::value, reason, false);
  *failed = true;
  return caf::make_error(caf::sec::runtime_error, reason);
}

}  // namespace sluice::engine
