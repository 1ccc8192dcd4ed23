// Partition maintenance (docs/mysql.md "Partition maintenance"): ALTER TABLE ... DROP /
// TRUNCATE / EXCHANGE / CONVERT PARTITION add or remove rows without row events. With
// partition_changes = reread the changed tables are truncated and read again while streaming
// goes on, so a replica of the events equals the tables; with warn the replica keeps the rows.
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

// Each table's rows as "a|b" texts (a multiset: a table without a key may repeat one), from
// snapshot rows and changes; a truncate empties the table.
struct PartitionReplica {
  std::map<std::string, std::multiset<std::string>> tables;
  size_t truncates = 0;
  static std::string text(const Object& row, const char* a, const char* b) {
    const Value* x = row.find(intern(a));
    const Value* y = row.find(intern(b));
    return (x ? x->to_display() : "?") + "|" + (y ? y->to_display() : "?");
  }
  void apply(const std::vector<Event>& evs) {
    for (const auto& e : evs) {
      if (e.op == Op::Schema || !e.source) continue;
      auto& t = tables[e.source->table];
      const char* a = e.source->table == "k" ? "a" : "id";
      const char* b = e.source->table == "k" ? "b" : "v";
      if (e.op == Op::Truncate) {
        t.clear();
        ++truncates;
        continue;
      }
      if (e.op == Op::Update || e.op == Op::Delete) {
        auto it = t.find(text(e.before, a, b));
        if (it != t.end()) t.erase(it);
      }
      if (e.op != Op::Delete) t.insert(text(e.row, a, b));
    }
  }
};

std::multiset<std::string> server_rows(const std::string& table) {
  const bool keyless = table == "k";
  std::multiset<std::string> out;
  for (const auto& r : server().query(std::string("SELECT ") + (keyless ? "a, b" : "id, v") +
                                      " FROM pm." + table)) {
    out.insert(r.at(0).value_or("NULL") + "|" + r.at(1).value_or("NULL"));
  }
  return out;
}

const char* kPartitionedTables =
    "DROP DATABASE IF EXISTS pm; CREATE DATABASE pm; "
    "CREATE TABLE pm.p (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) (PARTITION p0 VALUES "
    "LESS THAN (1000), PARTITION p1 VALUES LESS THAN (2000), PARTITION p2 VALUES LESS THAN "
    "(3000), PARTITION p3 VALUES LESS THAN MAXVALUE); "
    "INSERT INTO pm.p SELECT seq, seq FROM pm.seq_1_to_3500; "
    "CREATE TABLE pm.x (id INT PRIMARY KEY, v INT); "
    "INSERT INTO pm.x SELECT seq, -seq FROM pm.seq_1500_to_1600; "
    "CREATE TABLE pm.k (a INT, b INT) PARTITION BY RANGE (a) (PARTITION k0 VALUES LESS THAN "
    "(10), PARTITION k1 VALUES LESS THAN MAXVALUE); "
    "INSERT INTO pm.k SELECT seq % 20, 1 FROM pm.seq_1_to_200";

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_partitions)

// Each statement while streaming, with changes between them: every table ends equal to the
// server's, the partition statements' tables truncated once each (the table created by CONVERT
// PARTITION is read, not truncated).
BOOST_AUTO_TEST_CASE(partition_maintenance_truncates_and_reads_the_table_again) {
  server().exec(kPartitionedTables);
  auto cfg = make_cfg("pm", {}, my::SnapshotMode::Initial);
  cfg.snapshot_method = my::SnapshotMethod::LockFree;
  cfg.chunk_rows = 500;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  PartitionReplica r;
  // The whole snapshot first: a table without a key that is still being read cannot start
  // over at its partition statement (docs/mysql.md), and a loaded machine reads slower.
  r.apply(poll_until_read(src, std::chrono::milliseconds(300)));
  BOOST_REQUIRE_EQUAL(r.tables["p"].size(), 3500u);
  BOOST_REQUIRE_EQUAL(r.tables["k"].size(), 200u);
  const std::vector<std::string> statements = {
      "ALTER TABLE pm.p DROP PARTITION p0",
      "UPDATE pm.p SET v = 0 WHERE id = 2500",
      "ALTER TABLE pm.p EXCHANGE PARTITION p1 WITH TABLE pm.x",
      "ALTER TABLE pm.p TRUNCATE PARTITION p2",
      "INSERT INTO pm.p VALUES (2001, 7)",
      "ALTER TABLE pm.p CONVERT PARTITION p3 TO TABLE pm.c",
      "ALTER TABLE pm.k DROP PARTITION k0",
      "INSERT INTO pm.k VALUES (15, 2)"};
  for (const auto& s : statements) {
    server().exec(s);
    r.apply(poll_for(src, std::chrono::milliseconds(300)));
  }
  r.apply(poll_until_read(src, std::chrono::milliseconds(1000)));
  for (const char* t : {"p", "x", "c", "k"}) {
    BOOST_TEST_CONTEXT(t) {
      const auto want = server_rows(t);
      BOOST_CHECK_EQUAL(r.tables[t].size(), want.size());
      BOOST_CHECK(r.tables[t] == want);
    }
  }
  BOOST_CHECK_EQUAL(r.truncates, 6u);  // p four times, x, k
  BOOST_CHECK(src.checkpoint_state().find("reading=") == std::string::npos);
}

// partition_changes = warn: no truncate, the replica keeps the dropped partition's rows (what
// the warning says).
BOOST_AUTO_TEST_CASE(partition_changes_warn_keeps_the_rows) {
  server().exec(kPartitionedTables);
  auto cfg = make_cfg("pm", {"p"}, my::SnapshotMode::Initial);
  cfg.partition_changes = my::PartitionChanges::Warn;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  PartitionReplica r;
  r.apply(poll_for(src, std::chrono::milliseconds(1000)));
  server().exec("ALTER TABLE pm.p DROP PARTITION p0");
  r.apply(poll_for(src, std::chrono::milliseconds(1000)));
  BOOST_CHECK_EQUAL(r.truncates, 0u);
  BOOST_CHECK_EQUAL(r.tables["p"].size(), 3500u);
  BOOST_CHECK_EQUAL(server_rows("p").size(), 2501u);
}

BOOST_AUTO_TEST_SUITE_END()
