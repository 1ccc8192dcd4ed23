// Shared helpers of the mysql tests: the private server, source configs, polling.
#pragma once
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "operators/mysql/mysql_source.h"
#include "support/mariadb_server.h"

namespace sluice::test {

inline MariaDbServer& server() { return MariaDbServer::shared(); }

inline operators::mysql::MySqlConfig make_cfg(
    const std::string& db, std::vector<std::string> tables,
    operators::mysql::SnapshotMode snap = operators::mysql::SnapshotMode::Never) {
  static uint32_t next_id = 1000;
  operators::mysql::MySqlConfig c;
  c.name = "mks";
  c.conn.host = "127.0.0.1";
  c.conn.port = server().port();
  c.conn.user = MariaDbServer::kUser;
  c.conn.password = MariaDbServer::kPassword;
  c.server_id = next_id++;
  c.database = db;
  c.tables = std::move(tables);
  c.snapshot = snap;
  c.heartbeat_us = 200000;
  return c;
}

// The server's current binlog position as "FILE:POS".
inline operators::mysql::StartPosition current_start() {
  auto rows = server().query("SHOW MASTER STATUS");
  operators::mysql::StartPosition s;
  s.kind = operators::mysql::StartPosition::Kind::FilePos;
  s.file = *rows.at(0).at(0);
  s.pos = std::stoull(*rows.at(0).at(1));
  return s;
}

// Removes the schema-change events (Op::Schema) from out[from..] unless `schema`: most tests
// look at rows (source_test.cpp's schema_change_events looks at them).
inline void drop_schema_events(std::vector<Event>& out, size_t from, bool schema) {
  if (schema) return;
  out.erase(std::remove_if(out.begin() + static_cast<long>(from), out.end(),
                           [](const Event& e) { return e.op == Op::Schema; }),
            out.end());
}

// Polls until the source fails (or the timeout); returns its error, or a transient "no error".
inline error first_error(Source& src,
                         std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  std::vector<Event> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = src.poll(100, out);
    if (!r.ok()) return r.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return error::transient("no error");
}

// Polls until `n` events arrived (or the timeout), returns them.
inline std::vector<Event> poll_n(Source& s, size_t n,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(15),
                                 size_t max = 1000, bool schema = false) {
  std::vector<Event> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    const size_t before = out.size();
    auto r = s.poll(std::min(max, n - out.size()), out);
    if (!r.ok()) throw std::runtime_error("poll: " + r.err().message);
    drop_schema_events(out, before, schema);
    if (*r == Source::Poll::End) break;
    if (*r == Source::Poll::Idle) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return out;
}

// Polls for `ms` collecting whatever arrives.
inline std::vector<Event> poll_for(Source& s, std::chrono::milliseconds ms, bool schema = false) {
  std::vector<Event> out;
  auto deadline = std::chrono::steady_clock::now() + ms;
  while (std::chrono::steady_clock::now() < deadline) {
    const size_t before = out.size();
    auto r = s.poll(1000, out);
    if (!r.ok()) throw std::runtime_error("poll: " + r.err().message);
    drop_schema_events(out, before, schema);
    if (*r == Source::Poll::End) break;
    if (*r == Source::Poll::Idle) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return out;
}

// Polls until the source reads no table (its snapshot and rereads done; at most `most`), then
// `settle` more: the events meanwhile.
inline std::vector<Event> poll_until_read(Source& s, std::chrono::milliseconds settle,
                                          std::chrono::seconds most = std::chrono::seconds(60)) {
  std::vector<Event> out;
  const auto deadline = std::chrono::steady_clock::now() + most;
  do {
    for (auto& e : poll_for(s, std::chrono::milliseconds(200))) out.push_back(std::move(e));
  } while (std::chrono::steady_clock::now() < deadline &&
           s.checkpoint_state().find("reading=") != std::string::npos);
  for (auto& e : poll_for(s, settle)) out.push_back(std::move(e));
  return out;
}

inline const Value& field(const Event& e, const std::string& name) {
  static const Value kMissing = Value::string("<missing>");
  const Value* v = e.row.find(intern(name));
  return v ? *v : kMissing;
}
inline const Value& before(const Event& e, const std::string& name) {
  static const Value kMissing = Value::string("<missing>");
  const Value* v = e.before.find(intern(name));
  return v ? *v : kMissing;
}

}  // namespace sluice::test
