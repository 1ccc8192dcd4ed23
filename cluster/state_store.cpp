#include "cluster/state_store.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "base/secrets.h"
#include "cluster/errc.h"

namespace sluice::cluster {
namespace {

const char* kSchema = R"SQL(
CREATE SCHEMA IF NOT EXISTS sluice_cluster;
CREATE TABLE IF NOT EXISTS sluice_cluster.nodes (
  id text PRIMARY KEY, address text NOT NULL, pid bigint NOT NULL DEFAULT 0,
  backend_pid bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_seen timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS sluice_cluster.pipelines (
  name text PRIMARY KEY, version bigint NOT NULL, text text NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS sluice_cluster.pipeline_versions (
  name text NOT NULL, version bigint NOT NULL, text text NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (name, version));
CREATE TABLE IF NOT EXISTS sluice_cluster.assignments (
  pipeline text PRIMARY KEY, node text, epoch bigint NOT NULL DEFAULT 0, move_to text,
  assigned_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS sluice_cluster.checkpoints (
  pipeline text PRIMARY KEY, checkpoint_id bigint NOT NULL, body text NOT NULL,
  epoch bigint NOT NULL, node text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS sluice_cluster.pipeline_status (
  pipeline text PRIMARY KEY, node text NOT NULL, version bigint NOT NULL, state text NOT NULL,
  reason text NOT NULL DEFAULT '', lag_seconds double precision NOT NULL DEFAULT 0,
  records_read bigint NOT NULL DEFAULT 0, records_written bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0, last_checkpoint bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS sluice_cluster.events (
  id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(),
  node text NOT NULL, pipeline text NOT NULL, message text NOT NULL);
ALTER TABLE sluice_cluster.pipelines ADD COLUMN IF NOT EXISTS instances bigint NOT NULL DEFAULT 1;
)SQL";

std::string text_of(const pqxx::field& f) { return f.is_null() ? "" : f.as<std::string>(); }

}  // namespace

std::vector<std::string> instance_keys(const PipelineRow& p) {
  if (p.instances <= 1) return {p.name};
  std::vector<std::string> out;
  for (int64_t i = 1; i <= p.instances; ++i) out.push_back(p.name + "#" + std::to_string(i));
  return out;
}

std::string pipeline_of(const std::string& instance_key) {
  return instance_key.substr(0, instance_key.find('#'));
}

struct StateStore::Session {
  explicit Session(const std::string& url) : c(url) {}
  pqxx::connection c;
};

StateStore::StateStore(std::string url) : url_(std::move(url)) {}
StateStore::~StateStore() = default;

void StateStore::disconnect() { conn_.reset(); }

result<void> StateStore::connect() {
  if (conn_ && conn_->c.is_open()) return {};
  conn_.reset();
  try {
    auto c = std::make_unique<Session>(url_);
    {
      pqxx::work w(c->c);
      w.exec("SELECT pg_advisory_xact_lock(735202)");  // nodes starting together
      w.exec(kSchema);
      w.commit();
    }
    conn_ = std::move(c);
    return {};
  } catch (const std::exception& e) {
    return error::transient(errc::state_store, "state store: " + secrets::redact(e.what()));
  }
}

result<void> StateStore::with(const std::function<void(pqxx::connection_base&)>& fn) {
  auto c = connect();
  if (!c.ok()) return c;
  try {
    fn(conn_->c);
    return {};
  } catch (const std::exception& e) {
    if (!conn_->c.is_open()) conn_.reset();
    // A broken session may look open: drop it on anything that is not an SQL error.
    if (dynamic_cast<const pqxx::sql_error*>(&e) == nullptr) conn_.reset();
    return error::transient(errc::state_store, "state store: " + secrets::redact(e.what()));
  }
}

result<void> StateStore::heartbeat(const std::string& id, const std::string& address, int64_t pid) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO sluice_cluster.nodes (id, address, pid, backend_pid) "
        "VALUES ($1, $2, $3, pg_backend_pid()) ON CONFLICT (id) DO UPDATE SET "
        "address = EXCLUDED.address, pid = EXCLUDED.pid, backend_pid = EXCLUDED.backend_pid, "
        "started_at = CASE WHEN sluice_cluster.nodes.pid <> EXCLUDED.pid THEN clock_timestamp() "
        "ELSE sluice_cluster.nodes.started_at END, last_seen = clock_timestamp()",
        id, address, pid);
    w.commit();
  });
}

result<void> StateStore::forget_node(const std::string& id) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params("DELETE FROM sluice_cluster.nodes WHERE id = $1", id);
    w.commit();
  });
}

result<std::vector<NodeRow>> StateStore::nodes(double dead_after) {
  std::vector<NodeRow> out;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    auto rows = w.exec_params(
        "SELECT n.id, n.address, n.pid, n.backend_pid, "
        "extract(epoch FROM clock_timestamp() - n.last_seen)::float8, "
        "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1 AND l.pid = n.backend_pid) "
        "FROM sluice_cluster.nodes n ORDER BY n.id",
        kCoordinatorLock);
    for (const auto& row : rows) {
      NodeRow n;
      n.id = row[0].as<std::string>();
      n.address = row[1].as<std::string>();
      n.pid = row[2].as<int64_t>();
      n.backend_pid = row[3].as<int64_t>();
      n.age_seconds = row[4].as<double>();
      n.live = n.age_seconds < dead_after;
      n.coordinator = row[5].as<bool>();
      out.push_back(std::move(n));
    }
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<bool> StateStore::try_lead() {
  bool held = false;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::nontransaction n(c);
    // Taken once per session (the lock is reentrant: asking again would stack it).
    const std::string key = std::to_string(kCoordinatorLock);
    held =
        n.exec(
             "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
             "AND granted AND pid = pg_backend_pid() AND classid = 0 AND objid = " +
             key + " AND objsubid = 1) THEN true ELSE pg_try_advisory_lock(" + key + ") END")[0][0]
            .as<bool>();
  });
  if (!r.ok()) return r.err();
  return held;
}

result<std::string> StateStore::identity() {
  std::string id;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::nontransaction n(c);
    auto row = n.exec(
        "SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' || "
        "current_database()")[0];
    id = row[0].as<std::string>();
  });
  if (!r.ok()) return r.err();
  return id;
}

result<DeployOutcome> StateStore::deploy(const std::string& name, const std::string& text,
                                         int64_t instances) {
  DeployOutcome out;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    auto cur = w.exec_params(
        "SELECT version, text, instances FROM sluice_cluster.pipelines WHERE name = $1 FOR UPDATE",
        name);
    // Versions keep increasing, also across undeploy + deploy (pipeline_versions).
    const int64_t known = w.exec_params(
                               "SELECT COALESCE(MAX(version), 0) FROM "
                               "sluice_cluster.pipeline_versions WHERE name = $1",
                               name)[0][0]
                              .as<int64_t>();
    if (cur.empty()) {
      out.created = out.changed = true;
      out.version = known + 1;
      w.exec_params(
          "INSERT INTO sluice_cluster.pipelines (name, version, text, instances) "
          "VALUES ($1, $2, $3, $4)",
          name, out.version, text, instances);
    } else {
      out.version = cur[0][0].as<int64_t>();
      if (cur[0][1].as<std::string>() != text || cur[0][2].as<int64_t>() != instances) {
        out.changed = true;
        out.version = std::max(out.version, known) + 1;
        w.exec_params(
            "UPDATE sluice_cluster.pipelines SET version = $2, text = $3, instances = $4, "
            "deployed_at = clock_timestamp() WHERE name = $1",
            name, out.version, text, instances);
      }
    }
    if (out.changed) {
      w.exec_params(
          "INSERT INTO sluice_cluster.pipeline_versions (name, version, text) VALUES ($1, $2, $3)",
          name, out.version, text);
    }
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<bool> StateStore::undeploy(const std::string& name) {
  bool found = false;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    found = w.exec_params("DELETE FROM sluice_cluster.pipelines WHERE name = $1", name)
                .affected_rows() > 0;
    w.exec_params(
        "DELETE FROM sluice_cluster.checkpoints WHERE pipeline = $1 OR pipeline LIKE $1 || '#%'",
        name);
    w.commit();
  });
  if (!r.ok()) return r.err();
  return found;
}

result<std::vector<PipelineRow>> StateStore::pipelines() {
  std::vector<PipelineRow> out;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    for (const auto& row :
         w.exec("SELECT name, version, text, instances FROM sluice_cluster.pipelines "
                "ORDER BY name")) {
      out.push_back({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<std::string>(),
                     row[3].as<int64_t>()});
    }
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<std::vector<AssignmentRow>> StateStore::assignments() {
  std::vector<AssignmentRow> out;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    for (const auto& row :
         w.exec("SELECT pipeline, node, move_to, epoch FROM sluice_cluster.assignments "
                "ORDER BY pipeline")) {
      out.push_back(
          {row[0].as<std::string>(), text_of(row[1]), text_of(row[2]), row[3].as<int64_t>()});
    }
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<void> StateStore::assign(const std::string& pipeline, const std::string& node) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO sluice_cluster.assignments (pipeline, node, epoch) VALUES ($1, $2, 1) "
        "ON CONFLICT (pipeline) DO UPDATE SET node = EXCLUDED.node, move_to = NULL, "
        "epoch = sluice_cluster.assignments.epoch + 1, assigned_at = clock_timestamp()",
        pipeline, node);
    w.commit();
  });
}

result<void> StateStore::drop_assignment(const std::string& pipeline) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params("DELETE FROM sluice_cluster.assignments WHERE pipeline = $1", pipeline);
    w.exec_params("DELETE FROM sluice_cluster.pipeline_status WHERE pipeline = $1", pipeline);
    w.commit();
  });
}

result<void> StateStore::request_move(const std::string& pipeline, const std::string& to) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params("UPDATE sluice_cluster.assignments SET move_to = $2 WHERE pipeline = $1",
                  pipeline, to);
    w.commit();
  });
}

result<bool> StateStore::hand_over(const std::string& pipeline, const std::string& from) {
  bool done = false;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    done = w.exec_params(
                "UPDATE sluice_cluster.assignments SET node = move_to, move_to = NULL, "
                "epoch = epoch + 1, assigned_at = clock_timestamp() "
                "WHERE pipeline = $1 AND node = $2 AND move_to IS NOT NULL",
                pipeline, from)
               .affected_rows() > 0;
    w.commit();
  });
  if (!r.ok()) return r.err();
  return done;
}

result<void> StateStore::release_all(const std::string& node) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params(
        "UPDATE sluice_cluster.assignments SET node = NULL, move_to = NULL WHERE node = $1", node);
    w.commit();
  });
}

result<void> StateStore::report(const StatusRow& s) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO sluice_cluster.pipeline_status (pipeline, node, version, state, reason, "
        "lag_seconds, records_read, records_written, errors, last_checkpoint, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp()) "
        "ON CONFLICT (pipeline) DO UPDATE SET node = EXCLUDED.node, version = EXCLUDED.version, "
        "state = EXCLUDED.state, reason = EXCLUDED.reason, lag_seconds = EXCLUDED.lag_seconds, "
        "records_read = EXCLUDED.records_read, records_written = EXCLUDED.records_written, "
        "errors = EXCLUDED.errors, last_checkpoint = EXCLUDED.last_checkpoint, "
        "updated_at = EXCLUDED.updated_at",
        s.pipeline, s.node, s.version, s.state, secrets::redact(s.reason), s.lag_seconds,
        s.records_read, s.records_written, s.errors, s.last_checkpoint);
    w.commit();
  });
}

result<std::vector<StatusRow>> StateStore::statuses() {
  std::vector<StatusRow> out;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    for (const auto& row :
         w.exec("SELECT s.pipeline, s.node, s.state, s.reason, s.version, s.lag_seconds, "
                "s.records_read, s.records_written, s.errors, s.last_checkpoint, "
                "COALESCE(extract(epoch FROM clock_timestamp() - k.updated_at)::float8, -1), "
                "extract(epoch FROM clock_timestamp() - s.updated_at)::float8 "
                "FROM sluice_cluster.pipeline_status s "
                "LEFT JOIN sluice_cluster.checkpoints k ON k.pipeline = s.pipeline "
                "ORDER BY s.pipeline")) {
      StatusRow s;
      s.pipeline = row[0].as<std::string>();
      s.node = row[1].as<std::string>();
      s.state = row[2].as<std::string>();
      s.reason = row[3].as<std::string>();
      s.version = row[4].as<int64_t>();
      s.lag_seconds = row[5].as<double>();
      s.records_read = row[6].as<int64_t>();
      s.records_written = row[7].as<int64_t>();
      s.errors = row[8].as<int64_t>();
      s.last_checkpoint = row[9].as<int64_t>();
      s.checkpoint_age_seconds = row[10].as<double>();
      s.age_seconds = row[11].as<double>();
      out.push_back(std::move(s));
    }
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<void> StateStore::log_event(const std::string& node, const std::string& pipeline,
                                   const std::string& message) {
  return with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params("INSERT INTO sluice_cluster.events (node, pipeline, message) VALUES ($1, $2, $3)",
                  node, pipeline, message);
    w.commit();
  });
}

result<std::optional<std::string>> StateStore::load_checkpoint(const std::string& pipeline) {
  std::optional<std::string> out;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    auto rows =
        w.exec_params("SELECT body FROM sluice_cluster.checkpoints WHERE pipeline = $1", pipeline);
    if (!rows.empty()) out = rows[0][0].as<std::string>();
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<void> StateStore::save_checkpoint(const std::string& pipeline, uint64_t checkpoint_id,
                                         const std::string& body, int64_t epoch,
                                         const std::string& node) {
  bool written = false;
  auto r = with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    // The assignment row is locked so a concurrent re-assignment waits for this commit.
    auto owner = w.exec_params(
        "SELECT 1 FROM sluice_cluster.assignments WHERE pipeline = $1 AND epoch = $2 FOR SHARE",
        pipeline, epoch);
    if (owner.empty()) return;
    w.exec_params(
        "INSERT INTO sluice_cluster.checkpoints (pipeline, checkpoint_id, body, epoch, node) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pipeline) DO UPDATE SET "
        "checkpoint_id = EXCLUDED.checkpoint_id, body = EXCLUDED.body, epoch = EXCLUDED.epoch, "
        "node = EXCLUDED.node, updated_at = clock_timestamp()",
        pipeline, static_cast<int64_t>(checkpoint_id), body, epoch, node);
    w.commit();
    written = true;
  });
  if (!r.ok()) return r.err();
  if (!written) {
    return error::fatal(errc::lease_lost, "pipeline '" + pipeline +
                                              "' is no longer assigned to this node (epoch " +
                                              std::to_string(epoch) + "): checkpoint refused");
  }
  return {};
}

}  // namespace sluice::cluster
