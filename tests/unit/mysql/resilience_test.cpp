// What servers do in normal operation, against real MariaDB servers: FLUSH BINARY LOGS and
// rotation at max_binlog_size mid-stream, PURGE of files already read, restarts (clean and
// kill -9), a killed dump thread in the middle of a 100,000-row transaction, a frozen server,
// reconnect_timeout, and failover from a primary to its promoted replica by GTID.
// Every test checks that each change arrives exactly once, in order.
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <memory>

#include "operators/mysql/errc.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

// The ids of `evs` must be exactly first..last in order.
void check_ids(const std::vector<Event>& evs, int64_t first, int64_t last) {
  BOOST_REQUIRE_EQUAL(evs.size(), static_cast<size_t>(last - first + 1));
  for (size_t i = 0; i < evs.size(); ++i) {
    BOOST_REQUIRE_EQUAL(field(evs[i], "id").as_int(), first + static_cast<int64_t>(i));
  }
}

std::string master_file(MariaDbServer& s) { return *s.query("SHOW MASTER STATUS").at(0).at(0); }

std::string state_line(const std::string& state, const std::string& key) {
  size_t p = state.find("\n" + key + "=");
  if (p == std::string::npos) return "";
  p += key.size() + 2;
  return state.substr(p, state.find('\n', p) - p);
}

void kill_dump_threads(MariaDbServer& s) {
  auto ids =
      s.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
  BOOST_REQUIRE(!ids.empty());
  for (auto& r : ids) s.exec("KILL " + *r[0]);
}

my::MySqlConfig cfg_on(MariaDbServer& s, const std::string& db) {
  auto c = make_cfg(db, {});
  c.conn.port = s.port();
  c.hosts = {c.conn};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_resilience)

BOOST_AUTO_TEST_CASE(flush_binary_logs_mid_stream_then_purge) {
  server().exec(
      "DROP DATABASE IF EXISTS rot; CREATE DATABASE rot; CREATE TABLE rot.t (id INT "
      "PRIMARY KEY, v VARCHAR(20))");
  auto cfg = make_cfg("rot", {});
  cfg.start = current_start();
  const std::string first_file = cfg.start.file;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  for (int i = 1; i <= 300; ++i) {
    server().exec("INSERT INTO rot.t VALUES (" + std::to_string(i) + ", 'x')");
    if (i % 50 == 0) server().exec("FLUSH BINARY LOGS");
  }
  auto evs = poll_n(src, 300);
  check_ids(evs, 1, 300);
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
  BOOST_CHECK_GE(src.stream_stats()->rotations.load(), 6u);
  // The checkpoint follows the rotations: it names the server's current file.
  std::string state = src.checkpoint_state();
  BOOST_CHECK_EQUAL(state_line(state, "file"), master_file(server()));
  BOOST_CHECK_NE(state_line(state, "file"), first_file);
  src.close();
  // Files already read can go; the resume neither misses nor repeats anything.
  server().exec("PURGE BINARY LOGS TO '" + master_file(server()) + "'");
  server().exec("INSERT INTO rot.t VALUES (301, 'y')");
  my::MySqlSource again(cfg);
  auto o = again.open(state);
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  check_ids(poll_n(again, 1), 301, 301);
  BOOST_CHECK(poll_for(again, std::chrono::milliseconds(300)).empty());
}

BOOST_AUTO_TEST_CASE(rotation_at_max_binlog_size) {
  server().exec(
      "DROP DATABASE IF EXISTS rot2; CREATE DATABASE rot2; CREATE TABLE rot2.t (id INT "
      "PRIMARY KEY, v VARCHAR(200))");
  auto cfg = make_cfg("rot2", {});
  cfg.start = current_start();
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  server().root_exec("SET GLOBAL max_binlog_size = 4096");
  for (int i = 1; i <= 200; ++i) {
    server().exec("INSERT INTO rot2.t VALUES (" + std::to_string(i) + ", REPEAT('r', 150))");
  }
  server().root_exec("SET GLOBAL max_binlog_size = 1073741824");
  check_ids(poll_n(src, 200), 1, 200);
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
  BOOST_CHECK_GE(src.stream_stats()->rotations.load(), 5u);
}

BOOST_AUTO_TEST_CASE(server_restarts_clean_and_killed) {
  server().exec(
      "DROP DATABASE IF EXISTS rs; CREATE DATABASE rs; CREATE TABLE rs.t (id INT "
      "PRIMARY KEY)");
  auto cfg = make_cfg("rs", {});
  cfg.start = current_start();
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  int next = 1;
  for (int sig : {SIGTERM, SIGKILL}) {
    for (int i = 0; i < 100; ++i, ++next) {
      server().exec("INSERT INTO rs.t VALUES (" + std::to_string(next) + ")");
    }
    check_ids(poll_n(src, 100), next - 100, next - 1);
    server().shutdown(sig);
    // While the server is down the source says so (status, /metrics) and delivers nothing.
    bool seen = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!seen && std::chrono::steady_clock::now() < deadline) {
      BOOST_REQUIRE(poll_for(src, std::chrono::milliseconds(100)).empty());
      seen = src.health().find("reconnecting") != std::string::npos;
    }
    BOOST_CHECK_MESSAGE(seen, "health stayed empty while the server was down");
    server().start();
    for (int i = 0; i < 100; ++i, ++next) {
      server().exec("INSERT INTO rs.t VALUES (" + std::to_string(next) + ")");
    }
    check_ids(poll_n(src, 100, std::chrono::seconds(30)), next - 100, next - 1);
    BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
    BOOST_CHECK_EQUAL(src.health(), "");
  }
  BOOST_CHECK_GE(src.stream_stats()->reconnects.load(), 2u);
}

BOOST_AUTO_TEST_CASE(frozen_server_is_detected_by_missing_heartbeats) {
  server().exec(
      "DROP DATABASE IF EXISTS fz; CREATE DATABASE fz; CREATE TABLE fz.t (id INT "
      "PRIMARY KEY)");
  auto cfg = make_cfg("fz", {});  // heartbeat 200ms: dead after 1 s without a packet
  cfg.start = current_start();
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  server().exec("INSERT INTO fz.t VALUES (1)");
  check_ids(poll_n(src, 1), 1, 1);
  server().pause();
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    poll_for(src, std::chrono::milliseconds(100));
    seen = !src.health().empty();
  }
  server().resume();
  BOOST_CHECK_MESSAGE(seen, "a frozen server was not noticed");
  server().exec("INSERT INTO fz.t VALUES (2)");
  check_ids(poll_n(src, 1, std::chrono::seconds(30)), 2, 2);
  BOOST_CHECK_GE(src.stream_stats()->reconnects.load(), 1u);
}

BOOST_AUTO_TEST_CASE(killed_dump_and_restart_inside_a_100000_row_transaction) {
  server().exec(
      "DROP DATABASE IF EXISTS bigtx; CREATE DATABASE bigtx; CREATE TABLE bigtx.t (id "
      "INT PRIMARY KEY, v VARCHAR(500))");
  auto cfg = make_cfg("bigtx", {});
  cfg.start = current_start();
  cfg.queue_events = 4096;  // the reader stays close behind poll()
  server().exec(
      "BEGIN; INSERT INTO bigtx.t SELECT seq, REPEAT('x', 500) FROM "
      "bigtx.seq_1_to_100000; COMMIT");  // 50 MB: more than the socket buffers hold
  server().exec("INSERT INTO bigtx.t VALUES (100001, 'y')");
  std::vector<Event> all;
  std::string state;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    auto a = poll_n(src, 30000);
    kill_dump_threads(server());  // the stream reconnects and skips what it delivered
    auto b = poll_n(src, 30000);
    for (auto* v : {&a, &b}) {
      for (auto& e : *v) all.push_back(std::move(e));
    }
    state = src.checkpoint_state();
    BOOST_CHECK_EQUAL(state_line(state, "skip"), "60000");
    BOOST_CHECK_GE(src.stream_stats()->reconnects.load(), 1u);
    src.close();  // a crash after the checkpoint: the rest must come from the state
  }
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open(state).ok());
  auto rest = poll_n(src, 40001, std::chrono::seconds(30));
  for (auto& e : rest) all.push_back(std::move(e));
  check_ids(all, 1, 100001);
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
}

BOOST_AUTO_TEST_CASE(reconnect_timeout_fails_the_source_loudly) {
  MariaDbServer lone("FULL", 21);
  lone.exec("CREATE DATABASE lone; CREATE TABLE lone.t (id INT PRIMARY KEY)");
  auto cfg = cfg_on(lone, "lone");
  cfg.start.kind = my::StartPosition::Kind::Latest;
  cfg.reconnect_timeout_us = 2000000;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  lone.exec("INSERT INTO lone.t VALUES (1)");
  check_ids(poll_n(src, 1), 1, 1);
  lone.shutdown();
  std::string err;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (err.empty() && std::chrono::steady_clock::now() < deadline) {
    std::vector<Event> out;
    auto r = src.poll(100, out);
    if (!r.ok()) err = r.err().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_CHECK_MESSAGE(err.find("reconnect_timeout 2s") != std::string::npos, err);
  BOOST_CHECK(err.find("sluice-pw") == std::string::npos);
}

// Two sources with one server_id (two pipelines copied from one file): the server ends the
// older dump when the newer one connects. The source that lost its stream says why and what to
// do, and names no position as lost (on MySQL the same error is 1236, the code of a purged
// position).
BOOST_AUTO_TEST_CASE(a_server_id_another_replica_uses_is_named) {
  server().exec(
      "CREATE DATABASE IF NOT EXISTS same_id; "
      "CREATE TABLE IF NOT EXISTS same_id.t (id INT PRIMARY KEY)");
  auto cfg = make_cfg("same_id", {});
  cfg.start.kind = my::StartPosition::Kind::Latest;
  my::MySqlSource first(cfg);
  BOOST_REQUIRE(first.open("").ok());
  server().exec("INSERT INTO same_id.t VALUES (1)");
  check_ids(poll_n(first, 1), 1, 1);
  my::MySqlSource second(cfg);
  BOOST_REQUIRE(second.open("").ok());
  server().exec("INSERT INTO same_id.t VALUES (2)");
  check_ids(poll_n(second, 1), 2, 2);
  error err = first_error(first, std::chrono::seconds(30));
  BOOST_CHECK_MESSAGE(err.code == error_code(my::errc::server_id), err.message);
  BOOST_CHECK_MESSAGE(err.message.find("another replica connected with server_id " +
                                       std::to_string(cfg.server_id)) != std::string::npos,
                      err.message);
  BOOST_CHECK(err.message.find("purged") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(failover_to_the_promoted_replica_by_gtid) {
  MariaDbServer primary("FULL", 11);
  MariaDbServer replica("FULL", 12, {"--log-slave-updates=ON"});
  std::string pos = *primary.query("SELECT @@gtid_binlog_pos").at(0).at(0);
  replica.root_exec("RESET MASTER");
  replica.root_exec("SET GLOBAL gtid_slave_pos = '" + pos + "'");
  replica.root_exec(
      "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + std::to_string(primary.port()) +
      ", MASTER_USER='sluice', MASTER_PASSWORD='sluice-pw', "
      "MASTER_USE_GTID=slave_pos");
  replica.root_exec("START SLAVE");
  auto caught_up = [&] {
    std::string want = *primary.query("SELECT @@gtid_binlog_pos").at(0).at(0);
    for (int i = 0; i < 300; ++i) {
      if (*replica.query("SELECT @@gtid_slave_pos").at(0).at(0) == want) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_FAIL("the replica did not catch up to " + want);
  };
  primary.exec("CREATE DATABASE fo; CREATE TABLE fo.t (id INT PRIMARY KEY, v INT)");
  caught_up();
  auto cfg = cfg_on(primary, "fo");
  sluice::operators::mysql::ConnectOptions second = cfg.conn;
  second.port = replica.port();
  cfg.hosts = {cfg.conn, second};
  cfg.start.kind = my::StartPosition::Kind::Latest;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  auto insert = [](MariaDbServer& s, int from, int to) {
    for (int i = from; i <= to; ++i)
      s.exec("INSERT INTO fo.t VALUES (" + std::to_string(i) + ", 0)");
  };
  insert(primary, 1, 100);
  check_ids(poll_n(src, 100), 1, 100);
  const std::string on_primary = src.checkpoint_state();
  BOOST_CHECK_EQUAL(state_line(on_primary, "server"), "11");
  BOOST_CHECK(state_line(on_primary, "gtid").find("0-11-") != std::string::npos);
  insert(primary, 101, 150);
  check_ids(poll_n(src, 20), 101, 120);
  caught_up();
  // The primary goes away; the replica is promoted and takes the writes.
  primary.shutdown(SIGKILL);
  replica.root_exec("STOP SLAVE");
  replica.root_exec("RESET SLAVE ALL");
  insert(replica, 151, 200);
  check_ids(poll_n(src, 80, std::chrono::seconds(40)), 121, 200);
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
  BOOST_CHECK_GE(src.stream_stats()->failovers.load(), 1u);
  BOOST_CHECK_EQUAL(state_line(src.checkpoint_state(), "server"), "12");
  src.close();
  // A restart from the checkpoint taken on the primary resumes on the replica by GTID.
  my::MySqlSource again(cfg);
  auto o = again.open(on_primary);
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  check_ids(poll_n(again, 100, std::chrono::seconds(40)), 101, 200);
  BOOST_CHECK(poll_for(again, std::chrono::milliseconds(300)).empty());
}

BOOST_AUTO_TEST_CASE(host_list_parsing) {
  my::ConnectOptions base;
  base.port = 3306;
  auto h = my::parse_hosts("db1, db2:3307 ,[::1]:3308", base);
  BOOST_REQUIRE(h.ok());
  BOOST_REQUIRE_EQUAL(h->size(), 3u);
  BOOST_CHECK_EQUAL((*h)[0].host, "db1");
  BOOST_CHECK_EQUAL((*h)[0].port, 3306);
  BOOST_CHECK_EQUAL((*h)[1].port, 3307);
  BOOST_CHECK_EQUAL((*h)[2].host, "::1");
  BOOST_CHECK_EQUAL((*h)[2].port, 3308);
  BOOST_CHECK(!my::parse_hosts("db1:x", base).ok());
  BOOST_CHECK(!my::parse_hosts(" , ", base).ok());
}

BOOST_AUTO_TEST_SUITE_END()
