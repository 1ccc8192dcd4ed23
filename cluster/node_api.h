// The management API of a node: the handlers of its node actor (any CAF thread) for deploy,
// undeploy and status requests from the CLI and join checks from other nodes. They read and
// write the shared state store through a session of their own and wake the node's loop.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "cluster/node_options.h"
#include "cluster/state_store.h"
#include "engine/actors/tsan_visible.h"

namespace sluice::cluster {

class NodeApi {
 public:
  // wake(broadcast): run the node's loop now; broadcast: wake the other nodes too.
  NodeApi(const NodeOptions& o, std::function<void(bool)> wake);

  // The node actor (its CAF hand-overs visible to ThreadSanitizer, engine/actors/tsan_visible.h):
  // each message to its handler.
  using Actor = engine::TsanVisible<caf::event_based_actor>;
  static caf::behavior actor(Actor* self, NodeApi* api);

  std::string handle_deploy(const std::string& path, const std::string& text, int64_t instances);
  std::string handle_undeploy(const std::string& name);
  std::string handle_status();
  std::string handle_join(const std::string& who);
  void wake() { wake_(false); }

 private:
  const NodeOptions& o_;
  std::function<void(bool)> wake_;
  std::mutex mu_;
  StateStore store_;  // the node actor's session
};

}  // namespace sluice::cluster
