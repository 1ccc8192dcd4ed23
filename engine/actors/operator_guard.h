// What the source and stage actors do alike around their operator: an operator that throws
// fails the pipeline (counted, logged, the supervisor told), and closing one never throws.
#pragma once
#include <caf/all.hpp>
#include <exception>
#include <memory>
#include <string>

#include "base/logger.h"
#include "engine/actors/actor_setup.h"

namespace sluice::engine {

class OperatorGuard {
 public:
  // The actor's exception handler for an operator that threw: counts the error, logs it,
  // tells the supervisor the pipeline failed and sets *failed. who: "source 'NAME'" or
  // "stage 'NAME' (instance N)".
  static caf::error on_throw(caf::event_based_actor* self, const ActorSetup& setup,
                             const std::string& who, std::exception_ptr& ep, bool* failed);

  // Closes and releases op; an exception from close() is logged. who: "source 'NAME'" or
  // "sink 'NAME'".
  template <class Op>
  static void close(std::shared_ptr<Op>& op, const std::string& who) {
    try {
      if (op) op->close();
    } catch (const std::exception& e) {
      log::warn("engine", who + ": close: " + e.what());
    }
    op.reset();
  }
};

}  // namespace sluice::engine
