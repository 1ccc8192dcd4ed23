// Tables and values of schemas nobody cleaned up for CDC: MariaDB's system-versioned tables
// (history rows beside the table's rows, in the binlog but not in SELECT) and dates the calendar
// does not have (zero months and days, 2024-02-30 under ALLOW_INVALID_DATES).
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

// An implicit period (hidden row_start / row_end), an explicit TIMESTAMP one, a
// transaction-id one, and a table without a key.
const char* kVersionedTables =
    "DROP DATABASE IF EXISTS sv; CREATE DATABASE sv; "
    "CREATE TABLE sv.a (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING; "
    "CREATE TABLE sv.b (id INT PRIMARY KEY, v INT, rs TIMESTAMP(6) GENERATED ALWAYS AS ROW "
    "START, re TIMESTAMP(6) GENERATED ALWAYS AS ROW END, PERIOD FOR SYSTEM_TIME(rs, re)) WITH "
    "SYSTEM VERSIONING; "
    "CREATE TABLE sv.c (id INT PRIMARY KEY, v INT, rs BIGINT UNSIGNED GENERATED ALWAYS AS ROW "
    "START INVISIBLE, re BIGINT UNSIGNED GENERATED ALWAYS AS ROW END INVISIBLE, PERIOD FOR "
    "SYSTEM_TIME(rs, re)) ENGINE=InnoDB WITH SYSTEM VERSIONING; "
    "CREATE TABLE sv.k (v INT) WITH SYSTEM VERSIONING";

const std::map<std::string, std::vector<std::string>> kFields = {{"a", {"id", "v"}},
                                                                 {"b", {"id", "v", "rs", "re"}},
                                                                 {"c", {"id", "v", "rs", "re"}},
                                                                 {"k", {"v"}}};

std::vector<std::string> field_names(const Object& o) {
  std::vector<std::string> out;
  for (const auto& f : o.fields()) out.push_back(sym_name(f.name));
  return out;
}

// A row as "id:v" (keyless: "v").
std::string row_text(const std::string& table, const Object& o) {
  const Value* v = o.find(intern("v"));
  const Value* id = o.find(intern("id"));
  return (table == "k" ? "" : id->to_display() + ":") + v->to_display();
}

// The rows of each table, from the snapshot and the changes after it, against SELECT.
void check_tables_equal(const std::vector<Event>& events, const std::vector<std::string>& tables) {
  std::map<std::string, std::multiset<std::string>> got;
  for (const auto& e : events) {
    auto& rows = got[e.source->table];
    if (e.op == Op::Update || e.op == Op::Delete) {
      auto it = rows.find(row_text(e.source->table, e.before));
      BOOST_REQUIRE_MESSAGE(it != rows.end(), "a change of a row not there: " << e.source->table);
      rows.erase(it);
    }
    if (e.op != Op::Delete) rows.insert(row_text(e.source->table, e.row));
  }
  for (const auto& t : tables) {
    std::multiset<std::string> want;
    const std::string cols = t == "k" ? "v" : "CONCAT(id, ':', v)";
    for (auto& r : server().query("SELECT " + cols + " FROM sv." + t)) want.insert(*r.at(0));
    BOOST_CHECK_MESSAGE(got[t] == want, "sv." << t << " differs from SELECT");
  }
}

void versioned_tables_with(const std::string& metadata) {
  server().exec("SET GLOBAL binlog_row_metadata = '" + metadata + "'");
  server().exec(kVersionedTables);
  for (const char* t : {"a", "b", "c"}) {  // history before the snapshot
    server().exec(std::string("INSERT INTO sv.") + t + " (id, v) VALUES (1, 1), (2, 2), (3, 3), " +
                  "(4, 4); UPDATE sv." + t + " SET v = 11 WHERE id = 1; DELETE FROM sv." + t +
                  " WHERE id = 4");
  }
  server().exec(
      "INSERT INTO sv.k VALUES (1), (2), (3), (4); UPDATE sv.k SET v = 11 WHERE v = 1; "
      "DELETE FROM sv.k WHERE v = 4");
  my::MySqlSource src(make_cfg("sv", {}, my::SnapshotMode::Initial));
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto events = poll_n(src, 12);
  BOOST_REQUIRE_EQUAL(events.size(), 12u);  // 3 rows of each table now, no history row
  for (const auto& e : events) {
    const std::string& t = e.source->table;
    BOOST_CHECK(e.op == Op::Read);
    BOOST_CHECK(field_names(e.row) == kFields.at(t));
    const std::vector<std::string> key =
        t == "k" ? std::vector<std::string>{} : std::vector<std::string>{"id"};
    BOOST_CHECK_MESSAGE(e.source->primary_key == key, "the key of sv." << t);
  }
  check_tables_equal(events, {"a", "b", "c", "k"});
  for (const char* t : {"a", "b", "c"}) {
    server().exec(std::string("UPDATE sv.") + t + " SET v = v + 100 WHERE id = 2; DELETE FROM sv." +
                  t + " WHERE id = 3; INSERT INTO sv." + t + " (id, v) VALUES (5, 5); " +
                  "DELETE HISTORY FROM sv." + t);
  }
  server().exec(
      "UPDATE sv.k SET v = v + 100 WHERE v = 2; DELETE FROM sv.k WHERE v = 3; "
      "INSERT INTO sv.k VALUES (5); DELETE HISTORY FROM sv.k");
  auto changes = poll_n(src, 9);
  auto more = poll_for(src, std::chrono::milliseconds(1500));
  changes.insert(changes.end(), more.begin(), more.end());
  // An update, a delete and an insert each; none of sv.c, whose changes MariaDB logs as
  // statements (transaction ids): dead letters.
  BOOST_REQUIRE_EQUAL(changes.size(), 9u);
  BOOST_CHECK_GE(src.stream_stats()->statement_changes.load(), 3u);
  for (size_t i = 0; i < changes.size(); ++i) {
    const Event& e = changes[i];
    const Op want[] = {Op::Update, Op::Delete, Op::Create};
    BOOST_CHECK_MESSAGE(e.op == want[i % 3], "change " << i << " of sv." << e.source->table);
    BOOST_CHECK(field_names(e.op == Op::Delete ? e.before : e.row) == kFields.at(e.source->table));
    const std::vector<std::string> key =
        e.source->table == "k" ? std::vector<std::string>{} : std::vector<std::string>{"id"};
    BOOST_CHECK(e.source->primary_key == key);
  }
  events.insert(events.end(), changes.begin(), changes.end());
  check_tables_equal(events, {"a", "b", "k"});
  BOOST_CHECK_GE(src.stream_stats()->history_rows.load(), 6u);  // each update's and delete's
  src.close();
  server().exec("SET GLOBAL binlog_row_metadata = 'FULL'");
}

// XA COMMIT / ROLLBACK of a transaction another connection prepared: the server knows its xid
// once that connection has gone, which it notices a moment after the client closed it.
void end_xa(const std::string& sql) {
  for (int i = 0;; ++i) {
    try {
      server().exec(sql);
      return;
    } catch (const std::runtime_error& e) {
      if (i == 200 || std::string(e.what()).find("XAER_NOTA") == std::string::npos) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_other_schemas)

// MariaDB's system-versioned tables keep every old version of a row as a history row. SELECT
// shows the rows of the table now; the binlog logs the history too: an UPDATE is an update and
// the insert of the old version, a DELETE an update of the row's end, DELETE HISTORY deletes of
// history rows. Before, these tables were left out of the snapshot, and the stream sent the
// history rows as inserts (an upsert target took the old version back) and deletes as updates.
BOOST_AUTO_TEST_CASE(system_versioned_tables_stream_the_rows_select_shows) {
  versioned_tables_with("FULL");
  versioned_tables_with("MINIMAL");
}

// Dates the calendar does not have, which MariaDB stores when sql_mode allows them, are null in
// the snapshot and in the stream alike (and counted). Before, the snapshot stopped at 2024-02-30
// ("bad DATE", the source restarting without end) while the binlog read it as 2024-03-01.
BOOST_AUTO_TEST_CASE(dates_the_calendar_lacks_are_null_in_snapshot_and_stream) {
  server().exec(
      "DROP DATABASE IF EXISTS zd; CREATE DATABASE zd; CREATE TABLE zd.t (id INT PRIMARY KEY, d "
      "DATE, dt DATETIME, dt6 DATETIME(6)); SET SESSION sql_mode = 'ALLOW_INVALID_DATES'; "
      "INSERT INTO zd.t VALUES (1, '2024-02-30', '2023-04-31 01:02:03', '2023-02-29 "
      "00:00:00.5'), (2, '2024-02-29', '2024-02-29 23:59:59', '2024-12-31 00:00:00.000001'); "
      "SET SESSION sql_mode = ''; INSERT INTO zd.t VALUES (3, '0000-00-00', '2024-00-15 "
      "00:00:00', '2024-05-00 00:00:00'), (4, '0000-01-01', '0000-00-00 00:00:00', NULL)");
  my::MySqlSource src(make_cfg("zd", {}, my::SnapshotMode::Initial));
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto snap = poll_n(src, 4);
  BOOST_REQUIRE_EQUAL(snap.size(), 4u);
  server().exec("SET SESSION sql_mode = ''; UPDATE zd.t SET id = id + 100");
  auto upd = poll_n(src, 4);
  BOOST_REQUIRE_EQUAL(upd.size(), 4u);
  const std::map<int64_t, std::vector<std::string>> want = {
      {1, {"null", "null", "null"}},
      {2, {"2024-02-29", "2024-02-29T23:59:59.000000", "2024-12-31T00:00:00.000001"}},
      {3, {"null", "null", "null"}},
      {4, {"0000-01-01", "null", "null"}}};
  for (const auto* rows : {&snap, &upd}) {
    for (const auto& e : *rows) {
      const int64_t id = field(e, "id").as_int() % 100;
      std::vector<std::string> got;
      for (const char* c : {"d", "dt", "dt6"}) got.push_back(field(e, c).to_display());
      BOOST_CHECK_MESSAGE(got == want.at(id), "row " << id << (rows == &snap ? " (snapshot)" : "")
                                                     << ": " << got[0] << ", " << got[1] << ", "
                                                     << got[2]);
    }
  }
  src.close();
}

// A session may log its changes as statements (SET SESSION binlog_format, given the privilege):
// no rows reach the binlog, so no reader can capture them. Each such change of a captured table
// is a dead letter of the source (before, skipped in silence); other tables' are not.
BOOST_AUTO_TEST_CASE(changes_logged_as_statements_are_dead_letters) {
  server().exec(
      "DROP DATABASE IF EXISTS stmt; CREATE DATABASE stmt; CREATE TABLE stmt.t (id INT PRIMARY "
      "KEY, v INT); CREATE TABLE stmt.other (id INT PRIMARY KEY)");
  auto cfg = make_cfg("stmt", {"t"});
  cfg.start = current_start();
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  server().exec(
      "SET SESSION binlog_format = 'STATEMENT'; INSERT INTO stmt.t VALUES (1, 1); UPDATE "
      "LOW_PRIORITY stmt.t SET v = 2; REPLACE INTO stmt.t VALUES (2, 2); DELETE QUICK FROM stmt.t "
      "WHERE id = 1; INSERT INTO stmt.other VALUES (1); SET SESSION binlog_format = 'ROW'; INSERT "
      "INTO stmt.t VALUES (3, 3)");
  auto rows = poll_n(src, 1);  // only the change logged as rows
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(field(rows[0], "id").as_int(), 3);
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(500)).empty());
  BOOST_CHECK_EQUAL(src.stream_stats()->statement_changes.load(), 4u);
  std::vector<Event> dead;
  src.take_dead(dead);
  BOOST_REQUIRE_EQUAL(dead.size(), 4u);
  for (const auto& e : dead) {
    BOOST_REQUIRE(e.dead_letter);
    BOOST_CHECK_EQUAL(e.dead_letter->code.name(), "statement_change");
    BOOST_CHECK(e.source->db == "stmt" && e.source->table == "t");
    BOOST_CHECK(e.dead_letter->message.find("binlog_format=ROW") != std::string::npos);
  }
  BOOST_CHECK_EQUAL(field(dead[2], "statement").as_string(), "REPLACE INTO stmt.t VALUES (2, 2)");
  src.close();
}

// A session may log rows with binlog_row_image MINIMAL (only the key of the old row, only the
// changed columns of the new) or NOBLOB (no unchanged BLOB/TEXT). Applied, such a row would
// write the missing columns as null: rows lacking columns are dead letters, as decoded; a
// delete that has its key, and rows that lack nothing, go on.
BOOST_AUTO_TEST_CASE(rows_lacking_columns_are_dead_letters_not_nulls) {
  server().exec(
      "DROP DATABASE IF EXISTS ri; CREATE DATABASE ri; CREATE TABLE ri.t (id INT PRIMARY KEY, a "
      "INT, b TEXT, c BLOB); INSERT INTO ri.t VALUES (1, 1, 'x', 'y'), (2, 2, 'x', 'y'); "
      "CREATE TABLE ri.k (a INT, b TEXT); INSERT INTO ri.k VALUES (1, 'x'), (2, 'x')");
  auto cfg = make_cfg("ri", {});
  cfg.start = current_start();
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  server().exec(
      "SET SESSION binlog_row_image = 'MINIMAL'; UPDATE ri.t SET a = 10 WHERE id = 1; DELETE "
      "FROM ri.t WHERE id = 2; UPDATE ri.k SET a = 10 WHERE a = 1; DELETE FROM ri.k WHERE a = "
      "2; SET SESSION binlog_row_image = 'NOBLOB'; UPDATE ri.t SET a = 11 WHERE id = 1; UPDATE "
      "ri.t SET b = 'z', c = 'w' WHERE id = 1; INSERT INTO ri.t VALUES (3, 3, 'z', 'w')");
  auto rows = poll_n(src, 5);
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(500)).empty());
  std::vector<Event> dead;
  src.take_dead(dead);
  std::vector<std::string> got, lost;
  for (const auto& e : rows) got.push_back(e.source->table + " " + static_cast<char>(e.op));
  for (const auto& e : dead) {
    BOOST_REQUIRE(e.dead_letter);
    BOOST_CHECK_EQUAL(e.dead_letter->code.name(), "partial_row");
    lost.push_back(e.source->table + " " + static_cast<char>(e.op) + ": " +
                   e.dead_letter->message.substr(0, e.dead_letter->message.find(" (")));
  }
  // Kept: the keyed delete (key present), the keyless table's rows (MINIMAL logs whole rows of
  // a table without a key), the update that wrote the BLOB and TEXT, the insert.
  const std::vector<std::string> kept = {"t d", "k u", "k d", "t u", "t c"};
  BOOST_CHECK_MESSAGE(got == kept, "kept " << got.size());
  const std::vector<std::string> want = {
      "t u: an update of ri.t at " + current_start().file + ": its new row lacks id, b, c",
      "t u: an update of ri.t at " + current_start().file + ": its new row lacks b, c"};
  BOOST_CHECK_EQUAL_COLLECTIONS(lost.begin(), lost.end(), want.begin(), want.end());
  BOOST_CHECK_EQUAL(src.stream_stats()->partial_rows.load(), 2u);
  src.close();
}

// XA transactions pass their rows on at their commit, in the order of the commits, and never
// when they roll back; a prepared one waits in the checkpoint for its outcome. Before, the
// source passed a prepared transaction's rows on at once (a rolled-back row reached sinks) and
// stopped at XA_PREPARE_LOG_EVENT.
BOOST_AUTO_TEST_CASE(xa_transactions_pass_their_rows_on_at_their_commit) {
  for (auto& r : server().query("XA RECOVER")) end_xa("XA ROLLBACK '" + *r.at(3) + "'");
  server().exec(
      "DROP DATABASE IF EXISTS xa; CREATE DATABASE xa; CREATE TABLE xa.t (id INT "
      "PRIMARY KEY)");
  auto cfg = make_cfg("xa", {});
  cfg.start = current_start();
  auto ids = [](const std::vector<Event>& events) {
    std::vector<int64_t> out;
    for (const auto& e : events) out.push_back(field(e, "id").as_int());
    return out;
  };
  std::string state;
  {
    my::MySqlSource src(cfg);
    auto o = src.open("");
    BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
    // A prepared transaction stays with its connection until that ends (then it is detached
    // and any connection may end it): one connection each.
    server().exec(
        "INSERT INTO xa.t VALUES (0); XA START 'c'; INSERT INTO xa.t VALUES (3); XA END 'c'; XA "
        "COMMIT 'c' ONE PHASE; XA START 'a'; INSERT INTO xa.t VALUES (1); XA END 'a'; XA "
        "PREPARE 'a'");
    server().exec("XA START 'b'; INSERT INTO xa.t VALUES (2); XA END 'b'; XA PREPARE 'b'");
    server().exec("INSERT INTO xa.t VALUES (4)");
    end_xa("XA COMMIT 'b'");
    end_xa("XA ROLLBACK 'a'");
    server().exec("INSERT INTO xa.t VALUES (5)");
    server().exec("XA START 'r'; INSERT INTO xa.t VALUES (10); XA END 'r'; XA PREPARE 'r'");
    server().exec("INSERT INTO xa.t VALUES (11)");  // 'r' stays prepared
    auto got = poll_n(src, 6);
    BOOST_CHECK(ids(got) == std::vector<int64_t>({0, 3, 4, 2, 5, 11}));
    BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
    state = src.checkpoint_state();
    BOOST_CHECK(state.find("\nxa=X'72',X'',1|") != std::string::npos);  // 'r', waiting
  }
  // A restart between the prepare and the commit: the rows come from the checkpoint.
  my::MySqlSource src(cfg);
  auto o = src.open(state);
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  end_xa("XA COMMIT 'r'");
  server().exec("INSERT INTO xa.t VALUES (12)");
  auto got = poll_n(src, 2);
  BOOST_CHECK(ids(got) == std::vector<int64_t>({10, 12}));
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
  BOOST_CHECK(src.prepared_xa_warning().empty());  // a restart: 'r' was in the checkpoint
  src.close();
}

// A fresh stream that starts while an XA transaction is prepared cannot read its rows (they are
// before its start): a warning names it.
BOOST_AUTO_TEST_CASE(a_fresh_start_names_the_prepared_xa_transactions) {
  for (auto& r : server().query("XA RECOVER")) end_xa("XA ROLLBACK '" + *r.at(3) + "'");
  server().exec(
      "DROP DATABASE IF EXISTS xp; CREATE DATABASE xp; CREATE TABLE xp.t (id INT "
      "PRIMARY KEY)");
  server().exec(
      "XA START 'pending'; INSERT INTO xp.t VALUES (1); XA END 'pending'; XA PREPARE "
      "'pending'");
  auto cfg = make_cfg("xp", {});
  cfg.start.kind = my::StartPosition::Kind::Latest;
  my::MySqlSource src(cfg);
  auto o = src.open("");
  end_xa("XA ROLLBACK 'pending'");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  BOOST_CHECK_MESSAGE(src.prepared_xa_warning().find("1 XA transaction(s) are prepared on the "
                                                     "server now ('pending')") == 0,
                      src.prepared_xa_warning());
  src.close();
}

BOOST_AUTO_TEST_SUITE_END()
