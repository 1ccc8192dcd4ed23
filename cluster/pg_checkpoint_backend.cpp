#include "cluster/pg_checkpoint_backend.h"

#include <chrono>
#include <thread>

#include "cluster/errc.h"

namespace sluice::cluster {

std::string PgCheckpointBackend::pipeline_of(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  auto slash = d.rfind('/');
  return slash == std::string::npos ? d : d.substr(slash + 1);
}

result<std::optional<std::string>> PgCheckpointBackend::load(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  // The state store may be briefly unreachable: a few attempts before the start fails.
  error last = error::transient("");
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto r = store_.load_checkpoint(key_.empty() ? pipeline_of(dir) : key_);
    if (r.ok()) return r;
    last = r.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
  }
  return error::fatal(errc::checkpoint_backend, last.message);
}

result<void> PgCheckpointBackend::save(const std::string& dir, const std::string& pipeline,
                                       const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  auto cp = engine::CheckpointStore::decode(text);
  const uint64_t id = cp.ok() ? cp->id : 0;
  (void)dir;
  const std::string& key = key_.empty() ? pipeline : key_;
  auto r = store_.save_checkpoint(key, id, text, epoch_, node_);
  if (!r.ok() && r.err().kind == failure_kind::transient) {
    // One retry on a fresh connection (the state store restarted, a network blip).
    r = store_.save_checkpoint(key, id, text, epoch_, node_);
  }
  return r;
}

}  // namespace sluice::cluster
