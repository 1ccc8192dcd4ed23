#include "cluster/pg_state_files.h"

#include <pqxx/pqxx>

namespace sluice::cluster {

result<void> PgStateFiles::ensure_table() {
  if (table_) return {};
  auto r = store_.with([](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec(
        "CREATE TABLE IF NOT EXISTS sluice_cluster.state_files (name text PRIMARY KEY, "
        "data bytea NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp())");
    w.commit();
  });
  table_ = r.ok();
  return r;
}

result<void> PgStateFiles::put(const std::string& name, const std::string& bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto t = ensure_table();
  if (!t.ok()) return t;
  return store_.with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO sluice_cluster.state_files (name, data) VALUES ($1, $2) "
        "ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, written_at = clock_timestamp()",
        key_ + "/" + name, pqxx::binarystring(bytes));
    w.commit();
  });
}

result<std::optional<std::string>> PgStateFiles::get(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto t = ensure_table();
  if (!t.ok()) return t.err();
  std::optional<std::string> out;
  auto r = store_.with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    auto rows = w.exec_params("SELECT data FROM sluice_cluster.state_files WHERE name = $1",
                              key_ + "/" + name);
    if (!rows.empty()) out = pqxx::binarystring(rows[0][0]).str();
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<std::vector<std::string>> PgStateFiles::list(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  auto t = ensure_table();
  if (!t.ok()) return t.err();
  std::vector<std::string> out;
  const std::string full = key_ + "/" + prefix;
  auto r = store_.with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    auto rows = w.exec_params(
        "SELECT name FROM sluice_cluster.state_files WHERE left(name, length($1)) = $1", full);
    for (const auto& row : rows) out.push_back(row[0].as<std::string>().substr(key_.size() + 1));
    w.commit();
  });
  if (!r.ok()) return r.err();
  return out;
}

result<void> PgStateFiles::remove(const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.with([&](pqxx::connection_base& c) {
    pqxx::work w(c);
    for (const auto& n : names) {
      w.exec_params("DELETE FROM sluice_cluster.state_files WHERE name = $1", key_ + "/" + n);
    }
    w.commit();
  });
}

}  // namespace sluice::cluster
