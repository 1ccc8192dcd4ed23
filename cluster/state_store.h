// The cluster's shared state: a PostgreSQL schema `sluice_cluster` (docs/cluster.md).
//   nodes(id, address, pid, backend_pid, started_at, last_seen)    heartbeats
//   pipelines(name, version, text, instances, deployed_at)         the deployed definitions
//   pipeline_versions(name, version, text, deployed_at)            every version ever deployed
//   assignments(pipeline, node, epoch, move_to, assigned_at)       who runs what
//   checkpoints(pipeline, checkpoint_id, body, epoch, node, updated_at)
//   pipeline_status(pipeline, node, version, state, reason, lag_seconds, records_read,
//                   records_written, errors, last_checkpoint, started_at, updated_at)
//   events(id, at, node, pipeline, message)                        assignments, failovers
// One StateStore is one libpq session; not thread-safe. Every call catches libpqxx exceptions
// and returns them as transient errors (the connection is dropped and reopened next call).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace pqxx {
class connection_base;
}

namespace sluice::cluster {

// pg_try_advisory_lock key of the coordinator (one per state database).
constexpr int64_t kCoordinatorLock = 735201;

struct NodeRow {
  std::string id, address;
  int64_t pid = 0;
  int64_t backend_pid = 0;
  double age_seconds = 0;  // since the last heartbeat
  bool live = false;
  bool coordinator = false;
};

struct PipelineRow {
  std::string name;
  int64_t version = 0;
  std::string text;
  int64_t instances = 1;  // > 1: Kafka-sourced pipelines spread over nodes (consumer group)
};

// The units the coordinator assigns: "name" for one instance, else "name#1" ... "name#N".
// Assignments, checkpoints and status rows are keyed by these.
std::vector<std::string> instance_keys(const PipelineRow& p);
std::string pipeline_of(const std::string& instance_key);

struct AssignmentRow {
  std::string pipeline, node, move_to;  // "" = none
  int64_t epoch = 0;
};

struct StatusRow {
  std::string pipeline, node, state, reason;
  int64_t version = 0;
  double lag_seconds = 0;
  int64_t records_read = 0, records_written = 0, errors = 0, last_checkpoint = 0;
  double checkpoint_age_seconds = -1;  // read only
  double age_seconds = 0;              // read only: since updated_at
};

struct DeployOutcome {
  int64_t version = 0;
  bool created = false;
  bool changed = false;
};

class StateStore {
 public:
  explicit StateStore(std::string url);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Connects when not connected (creating the schema once per process session).
  result<void> connect();
  void disconnect();

  // Nodes. `dead_after` seconds without a heartbeat make a node dead.
  result<void> heartbeat(const std::string& id, const std::string& address, int64_t pid);
  result<void> forget_node(const std::string& id);
  result<std::vector<NodeRow>> nodes(double dead_after);
  // pg_try_advisory_lock(kCoordinatorLock) on this session; true while this session holds it.
  result<bool> try_lead();
  // A fingerprint of the state database (system identifier + database name): --join checks it.
  result<std::string> identity();

  // Pipelines.
  result<DeployOutcome> deploy(const std::string& name, const std::string& text,
                               int64_t instances = 1);
  result<bool> undeploy(const std::string& name);
  result<std::vector<PipelineRow>> pipelines();

  // Assignments.
  result<std::vector<AssignmentRow>> assignments();
  // Gives `pipeline` to `node` with a new epoch (fencing the previous owner's checkpoints).
  result<void> assign(const std::string& pipeline, const std::string& node);
  result<void> drop_assignment(const std::string& pipeline);
  // Asks the owner to hand `pipeline` over to `to` once it has stopped it (a graceful move).
  result<void> request_move(const std::string& pipeline, const std::string& to);
  // The owner `from` has stopped `pipeline`: node = move_to, new epoch. False when not owner.
  result<bool> hand_over(const std::string& pipeline, const std::string& from);
  // A leaving node gives up its pipelines (node = NULL) so the coordinator reassigns them.
  result<void> release_all(const std::string& node);

  // Status and events.
  result<void> report(const StatusRow& s);
  result<std::vector<StatusRow>> statuses();
  result<void> log_event(const std::string& node, const std::string& pipeline,
                         const std::string& message);

  // Checkpoints. save() writes only while `epoch` is the pipeline's current assignment epoch
  // (a fenced, stale owner gets an error).
  result<std::optional<std::string>> load_checkpoint(const std::string& pipeline);
  result<void> save_checkpoint(const std::string& pipeline, uint64_t checkpoint_id,
                               const std::string& body, int64_t epoch, const std::string& node);

  // Runs `fn` on the connection (connecting first); exceptions become transient errors.
  result<void> with(const std::function<void(pqxx::connection_base&)>& fn);

 private:
  struct Session;
  std::string url_;
  std::unique_ptr<Session> conn_;
};

}  // namespace sluice::cluster
