// A table without a PRIMARY KEY but with a UNIQUE index of NOT NULL columns: the server takes
// that index as the table's key (InnoDB clusters by it; information_schema shows PRI), and so
// does the source: the lock-free snapshot chunks by it (parallel, resumable by key) and every
// event, snapshot and stream, carries it. A unique index with a nullable column is no key.
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

BOOST_AUTO_TEST_SUITE(mysql_unique_keys)

BOOST_AUTO_TEST_CASE(a_unique_not_null_index_is_the_key) {
  server().exec(
      "DROP DATABASE IF EXISTS uk; CREATE DATABASE uk; "
      "CREATE TABLE uk.t (note VARCHAR(20), b INT NOT NULL, a VARCHAR(10) NOT NULL, "
      "UNIQUE KEY ab (a, b), KEY (note)); "
      "INSERT INTO uk.t SELECT CONCAT('n', seq), seq % 7, CONCAT('k', seq DIV 7) FROM "
      "uk.seq_1_to_3000; "
      "CREATE TABLE uk.n (a INT, b INT, UNIQUE KEY (a))");  // nullable: no key
  server().exec("INSERT INTO uk.n VALUES (1, 1), (NULL, 2), (NULL, 3)");
  auto cfg = make_cfg("uk", {}, my::SnapshotMode::Initial);
  cfg.snapshot_method = my::SnapshotMethod::LockFree;
  cfg.chunk_rows = 250;
  cfg.parallelism = 2;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  auto snap = poll_for(src, std::chrono::milliseconds(2500));
  std::set<std::string> keys;
  size_t n_rows = 0;
  for (const auto& e : snap) {
    if (e.op != Op::Read) continue;
    if (e.source->table == "n") {
      ++n_rows;
      BOOST_CHECK(e.source->primary_key.empty());
      continue;
    }
    BOOST_REQUIRE_EQUAL(e.source->primary_key.size(), 2u);
    BOOST_CHECK_EQUAL(e.source->primary_key[0], "a");  // the index's order, not the table's
    BOOST_CHECK_EQUAL(e.source->primary_key[1], "b");
    keys.insert(field(e, "a").to_display() + "|" + field(e, "b").to_display());
  }
  BOOST_CHECK_EQUAL(keys.size(), 3000u);  // each row once, chunked by (a, b)
  BOOST_CHECK_EQUAL(n_rows, 3u);
  server().exec("UPDATE uk.t SET note = 'x' WHERE a = 'k10' AND b = 0");
  auto changes = poll_n(src, 1, std::chrono::seconds(5));
  BOOST_REQUIRE_EQUAL(changes.size(), 1u);
  BOOST_CHECK(changes[0].op == Op::Update);
  BOOST_REQUIRE_EQUAL(changes[0].source->primary_key.size(), 2u);
  BOOST_CHECK_EQUAL(changes[0].source->primary_key[0], "a");
}

BOOST_AUTO_TEST_SUITE_END()
