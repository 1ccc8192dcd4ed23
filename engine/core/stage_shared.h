// What the instances of one stage share in one built graph (`parallelism = N`): the states
// all of the stage's instances had in the checkpoint the graph starts from (their number is
// the parallelism of that run, which may differ from this one), and one slot the operator
// kind may fill for its instances to coordinate through (e.g. a Kafka source's offsets that
// completed checkpoints made durable, whichever consumer read them). The engine makes one
// per stage and graph; a stage kept by a hot reload keeps its instances and theirs.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice {

class StageShared {
 public:
  explicit StageShared(std::vector<std::string> restored = {}) : restored_(std::move(restored)) {}

  // Every instance's state in the checkpoint the graph started from ("" entries included).
  const std::vector<std::string>& restored() const { return restored_; }

  // The stage's one shared T, made (default-constructed) by the first instance that asks.
  // One operator kind per stage, so one T per slot; T synchronizes its own use.
  template <class T>
  std::shared_ptr<T> slot() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!slot_) slot_ = std::make_shared<T>();
    return std::static_pointer_cast<T>(slot_);
  }

 private:
  const std::vector<std::string> restored_;
  std::mutex mu_;
  std::shared_ptr<void> slot_;
};

}  // namespace sluice
