// checkpoint.json in the pipeline's state directory, written atomically (temp file, fsync,
// rename, fsync of the directory). Format (docs/engine.md):
//   {"version":1,"pipeline":"p","checkpoint":7,"written_at":1700000000000000,
//    "sources":{"src":"<state>"},"stages":{"t":["<inst 0>","<inst 1>"],"out":["<state>"]}}
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace sluice::engine {

struct Checkpoint {
  uint64_t id = 0;
  int64_t written_at = 0;  // micros UTC
  // Source stage -> the state of its instance 0 (its position); a source's instances 1..N-1
  // (`parallelism`) are in `stages` at their index, under the same name.
  std::map<std::string, std::string> sources;
  std::map<std::string, std::vector<std::string>> stages;  // stage -> state per instance

  // The state for `stage` instance `instance` ("" when absent).
  std::string state_of(const std::string& stage, int instance) const;
  // Every instance's state of `stage`, by instance (empty when the stage has none).
  std::vector<std::string> states_of(const std::string& stage) const;
};

// Where checkpoints go instead of `<dir>/checkpoint.json` when one is installed process-wide
// with CheckpointStore::set_backend (a cluster worker keeps them in the shared PostgreSQL state
// store, cluster/). Both calls are synchronous: save() returns once the checkpoint is
// durable there. `dir` is the pipeline's state directory (its last component is the pipeline).
class CheckpointBackend {
 public:
  virtual ~CheckpointBackend() = default;
  // The encoded checkpoint (encode()'s text); nullopt when there is none.
  virtual result<std::optional<std::string>> load(const std::string& dir) = 0;
  virtual result<void> save(const std::string& dir, const std::string& pipeline,
                            const std::string& text) = 0;
};

class CheckpointStore {
 public:
  // Installs (or, with nullptr, removes) the process-wide backend used by every store.
  static void set_backend(std::shared_ptr<CheckpointBackend> backend);
  static std::shared_ptr<CheckpointBackend> backend();

  explicit CheckpointStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string path() const { return dir_ + "/checkpoint.json"; }
  // The last complete checkpoint; nullopt when there is none.
  result<std::optional<Checkpoint>> load() const;
  result<void> save(const std::string& pipeline, const Checkpoint& cp) const;

  static std::string encode(const std::string& pipeline, const Checkpoint& cp);
  static result<Checkpoint> decode(const std::string& text);

 private:
  std::string dir_;
};

}  // namespace sluice::engine
