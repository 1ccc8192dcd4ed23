// A MariaDB -> PostgreSQL pipeline under faults, shared by tests/integration/mysql_faults_test
// and bench/soak_faults (issue 14): a private MariaDB (binlog ROW, GTIDs), a database on a
// given PostgreSQL, `sluice run` of a pipeline that copies fx.acct into an upsert table and,
// through a transform with parallelism 3, into an append-mode history; a writer whose every
// transaction changes one account and journals (op, version) in the same transaction, so the
// history can be checked exactly against the journal: every change once, none lost.
#pragma once
#include <signal.h>

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mariadb_server.h"
#include "postgres_server.h"
#include "process.h"

namespace sluice::test::faults {

std::string pipe_text(const TempDir& d, int port, const std::string& reconnect_timeout) {
  const std::string retry = "retry { attempts = 1000  backoff = exponential(100ms, 2s) }";
  return "pipeline faults {\n"
         "  settings { state_dir = \"" +
         d.file("state") +
         "\"  checkpoint_interval = 300ms }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"  port = " +
         std::to_string(port) +
         "\n"
         "    user = \"sluice\"  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 9301  database = \"fx\"  tables = [\"acct\"]  snapshot = initial\n"
         "    heartbeat = 500ms  reconnect_timeout = " +
         reconnect_timeout +
         "\n"
         "  }\n"
         "  sink postgres cur from src {\n"
         "    url = env(\"ODS_URL\")  table = \"ods.acct\"  mode = upsert  create_tables = true\n"
         "    metadata_columns = true  batch { rows = 500  delay = 50ms }  " +
         retry +
         "\n"
         "  }\n"
         "  transform spread from src {\n"
         "    where @table == \"acct\"\n"
         "    parallelism = 3\n"
         "  }\n"
         "  sink postgres hist from spread {\n"
         "    url = env(\"ODS_URL\")  table = \"ods.acct_history\"  mode = append\n"
         "    create_tables = true  connections = 2  batch { rows = 300  delay = 50ms }  " +
         retry +
         "\n"
         "  }\n"
         "}\n";
}

// A steady writer: each transaction changes one account (insert, update or delete) and
// journals (op, version) in the same transaction; versions are unique, so the history's
// (cdc_operation, version) pairs must be exactly the journal's.
struct Writer {
  MariaDbServer& my;
  std::mt19937 rng{7};
  int64_t seq = 0;
  std::map<int64_t, int64_t> live;  // id -> version
  MariaDbServer::Conn conn;
  explicit Writer(MariaDbServer& m) : my(m), conn(m.connect()) {}

  void reconnect() {
    for (int i = 0; i < 600; ++i) {
      try {
        conn = my.connect();
        return;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    throw std::runtime_error("the writer cannot reconnect");
  }
  void step() {
    int64_t id = 1 + static_cast<int64_t>(rng() % 300);
    int64_t s = ++seq;
    auto it = live.find(id);
    std::string op, change;
    int64_t version = s;
    if (it == live.end()) {
      op = "c";
      change = "INSERT INTO fx.acct VALUES (" + std::to_string(id) + ", " + std::to_string(s) +
               ", " + std::to_string(s % 100000) + ".25, 'n" + std::to_string(s) + "')";
    } else if (rng() % 8 == 0) {
      op = "d";
      version = it->second;
      change = "DELETE FROM fx.acct WHERE id = " + std::to_string(id);
    } else {
      op = "u";
      change = "UPDATE fx.acct SET version = " + std::to_string(s) +
               ", balance = balance + 1.01 "
               "WHERE id = " +
               std::to_string(id);
    }
    const std::string sql = "START TRANSACTION; " + change + "; INSERT INTO fx.journal VALUES (" +
                            std::to_string(s) + ", '" + op + "', " + std::to_string(version) +
                            "); COMMIT";
    for (int attempt = 0;; ++attempt) {
      try {
        MariaDbServer::exec(conn.get(), sql);
        break;
      } catch (const std::exception& e) {
        if (attempt > 50) throw;
        reconnect();
        // Committed before the connection went? The journal says.
        auto n = MariaDbServer::query(
            conn.get(), "SELECT count(*) FROM fx.journal WHERE seq = " + std::to_string(s));
        if (*n.at(0).at(0) == "1") break;
        MariaDbServer::exec(conn.get(), "ROLLBACK");
      }
    }
    if (op == "d") {
      live.erase(id);
    } else {
      live[id] = s;
    }
  }
  void burst(int n) {
    for (int i = 0; i < n; ++i) step();
  }
};

struct Rig {
  PostgresServer& pgs;
  std::string sluice;
  MariaDbServer my{"FULL", 31};
  TempDir dir;
  std::string pgdb;
  std::string pipe;
  std::unique_ptr<Child> child;
  int runs = 0;

  Rig(PostgresServer& pg_server, std::string sluice_path, const std::string& db,
      const std::string& reconnect_timeout)
      : pgs(pg_server), sluice(std::move(sluice_path)), pgdb(db) {
    pgs.psql("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + ";");
    pipe = dir.file("p.pipe");
    write_file(pipe, pipe_text(dir, my.port(), reconnect_timeout));
    my.exec(
        "CREATE DATABASE fx; CREATE TABLE fx.acct (id INT PRIMARY KEY, version BIGINT NOT NULL, "
        "balance DECIMAL(18,2) NOT NULL, note VARCHAR(40)); CREATE TABLE fx.journal (seq BIGINT "
        "PRIMARY KEY, op CHAR(1) NOT NULL, version BIGINT NOT NULL)");
  }
  std::vector<std::string> env() const {
    return {"MYSQL_PASSWORD=sluice-pw", "ODS_URL=" + pgs.url(pgdb)};
  }
  void start(const std::vector<std::string>& extra = {}) {
    ++runs;
    std::string cmd = "exec " + sluice + " run " + pipe;
    for (const auto& a : extra) cmd += " " + a;
    child = std::make_unique<Child>(
        std::vector<std::string>{"/bin/sh", "-c", cmd + " 2>>" + dir.file("sluice.log")}, env(),
        dir.str());
  }
  ProcResult stop(int sig) {
    child->signal(sig);
    auto r = child->wait(std::chrono::seconds(60));
    child.reset();
    return r;
  }
  std::string log_tail() const {
    std::string e = read_file(dir.file("sluice.log"));
    return "\nsluice log:\n" + e.substr(e.size() > 5000 ? e.size() - 5000 : 0);
  }
  void kill_dump_threads() {
    auto ids =
        my.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
    for (auto& r : ids) {
      try {
        my.exec("KILL " + *r[0]);
      } catch (const std::exception&) {
        // gone meanwhile
      }
    }
  }
  std::string pg(const std::string& sql) const { return pgs.psql(sql, pgdb); }
};

std::vector<std::string> my_acct(MariaDbServer& my) {
  std::vector<std::string> out;
  for (auto& r : my.query("SELECT id, version, balance, IFNULL(note, '<NULL>') FROM fx.acct "
                          "ORDER BY id")) {
    out.push_back(*r[0] + "|" + *r[1] + "|" + *r[2] + "|" + *r[3]);
  }
  return out;
}

std::vector<std::string> pg_acct(const Rig& rig) {
  std::string text = rig.pg(
      "SELECT id || '|' || version || '|' || balance || '|' || coalesce(note, '<NULL>') FROM "
      "ods.acct ORDER BY id");
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

// Waits until the upsert copy equals the source and the history holds as many rows as
// expected; returns "" or what differs.
std::string wait_converged(Rig& rig, size_t history_rows, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string why;
  while (std::chrono::steady_clock::now() < deadline) {
    auto a = my_acct(rig.my);
    std::vector<std::string> b;
    std::string h;
    try {
      b = pg_acct(rig);
      h = rig.pg("SELECT count(*) FROM ods.acct_history");
    } catch (const std::exception& e) {
      why = e.what();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      continue;
    }
    if (a == b && h == std::to_string(history_rows)) return "";
    why = "acct: mysql " + std::to_string(a.size()) + " rows, ods " + std::to_string(b.size()) +
          (a == b ? " (equal)" : " (differ)") + "; history " + h + " of " +
          std::to_string(history_rows);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return why;
}

// (op, version) pairs the history must hold: the snapshot rows and the journal.
// (op, version) pairs the history must hold: the snapshot rows and the journal after it.
std::multiset<std::string> expected_history(MariaDbServer& my,
                                            const std::vector<std::string>& snapshot,
                                            int64_t after_seq) {
  std::multiset<std::string> out(snapshot.begin(), snapshot.end());
  for (auto& r :
       my.query("SELECT op, version FROM fx.journal WHERE seq > " + std::to_string(after_seq))) {
    out.insert(*r[0] + "|" + *r[1]);
  }
  return out;
}

// What is in `a` more often than in `b`, at most 12 items.
std::string excess(const std::multiset<std::string>& a, const std::multiset<std::string>& b,
                   size_t& n) {
  std::string out;
  n = 0;
  for (const auto& e : std::set<std::string>(a.begin(), a.end())) {
    size_t ca = a.count(e), cb = b.count(e);
    if (ca <= cb) continue;
    n += ca - cb;
    if (n <= 12) out += " " + e + "x" + std::to_string(ca - cb);
  }
  return out;
}

std::multiset<std::string> actual_history(const Rig& rig) {
  std::string text = rig.pg(
      "SELECT cdc_operation || '|' || version FROM ods.acct_history WHERE cdc_operation "
      "<> 't'");
  std::multiset<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.insert(l);
  }
  return out;
}

// The history against the journal: changes expected, rows found, lost and duplicated (or
// unexpected) changes with a sample of each.
struct Verdict {
  size_t expected = 0, rows = 0, lost = 0, extra = 0;
  std::string lost_items, extra_items;
};

inline Verdict verdict(Rig& rig, const std::vector<std::string>& snapshot, int64_t after_seq) {
  auto expected = expected_history(rig.my, snapshot, after_seq);
  auto actual = actual_history(rig);
  Verdict v;
  v.expected = expected.size();
  v.rows = actual.size();
  v.lost_items = excess(expected, actual, v.lost);
  v.extra_items = excess(actual, expected, v.extra);
  return v;
}

}  // namespace sluice::test::faults
