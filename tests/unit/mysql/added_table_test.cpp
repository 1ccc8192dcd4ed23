// A table added to `tables` (file edited, restart with the old state; or a hot reload handing
// the old state to the new source): only it is snapshotted, the others keep streaming from the
// checkpointed position, and its changes up to its snapshot are dropped (no gap, no duplicate).
#include <boost/test/unit_test.hpp>

#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

std::string describe(const Event& e) {
  std::string s = std::string(op_code(e.op)) + " " + (e.source ? e.source->table : "?");
  if (const Value* id = e.row.find(intern("id"))) s += id->to_display();
  if (const Value* v = e.row.find(intern("v"))) s += "=" + v->to_display();
  return s;
}

std::vector<std::string> describe_all(const std::vector<Event>& evs) {
  std::vector<std::string> out;
  for (auto& e : evs) out.push_back(describe(e));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_added_table)

BOOST_AUTO_TEST_CASE(only_the_added_table_is_snapshotted_no_gap_no_duplicate) {
  server().exec(
      "DROP DATABASE IF EXISTS addt; CREATE DATABASE addt; "
      "CREATE TABLE addt.a (id INT PRIMARY KEY, v INT); "
      "CREATE TABLE addt.b (id INT PRIMARY KEY, v INT); "
      "INSERT INTO addt.a VALUES (1, 10); INSERT INTO addt.b VALUES (1, 100)");
  std::string state;
  {
    auto cfg = make_cfg("addt", {"a"}, my::SnapshotMode::Initial);
    cfg.snapshot_method = my::SnapshotMethod::Consistent;  // lock_free: lock_free_test.cpp
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    auto evs = poll_n(src, 1);
    BOOST_REQUIRE_EQUAL(evs.size(), 1u);
    BOOST_CHECK_EQUAL(describe(evs[0]), "r a1=10");
    server().exec("INSERT INTO addt.a VALUES (2, 20); INSERT INTO addt.b VALUES (2, 200)");
    evs = poll_n(src, 1);
    BOOST_REQUIRE_EQUAL(evs.size(), 1u);
    BOOST_CHECK_EQUAL(describe(evs[0]), "c a2=20");
    BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());  // b not captured
    state = src.checkpoint_state();
    BOOST_CHECK(state.find("filter=addt.a\n") != std::string::npos);
  }
  // While down: changes to both tables (b's are in b's snapshot, a's are streamed).
  server().exec(
      "INSERT INTO addt.a VALUES (3, 30); INSERT INTO addt.b VALUES (3, 300); "
      "UPDATE addt.b SET v = 101 WHERE id = 1; DELETE FROM addt.b WHERE id = 2");
  auto cfg = make_cfg("addt", {"a", "b"}, my::SnapshotMode::Initial);
  cfg.snapshot_method = my::SnapshotMethod::Consistent;
  cfg.chunk_rows = 1;
  // First attempt stops after one snapshot row of b: a checkpoint mid-snapshot.
  std::vector<Event> all;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open(state).ok());
    auto evs = poll_n(src, 1, std::chrono::seconds(10), 1);
    BOOST_REQUIRE_EQUAL(evs.size(), 1u);
    for (auto& e : evs) all.push_back(std::move(e));
    state = src.checkpoint_state();
    BOOST_CHECK_MESSAGE(state.find("phase=snapshot") != std::string::npos &&
                            state.find("only=addt.b\n") != std::string::npos &&
                            state.find("from_file=") != std::string::npos,
                        state);
  }
  server().exec("INSERT INTO addt.b VALUES (4, 400)");  // after b's view: streamed (and read
                                                        // again by the resumed view)
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open(state).ok());
  for (auto& e : poll_n(src, 4)) all.push_back(std::move(e));
  server().exec("INSERT INTO addt.b VALUES (5, 500); UPDATE addt.a SET v = 11 WHERE id = 1");
  for (auto& e : poll_n(src, 2)) all.push_back(std::move(e));
  for (auto& e : poll_for(src, std::chrono::milliseconds(300))) all.push_back(std::move(e));
  auto got = describe_all(all);
  // b: snapshot only (a is not read again); then a's change while down, b's row 4 (read by
  // the resumed view and streamed: the documented repetition of a resumed snapshot), then
  // the live changes. Nothing of b before its snapshot is replayed (no c b2 / u b1 / d b2).
  std::vector<std::string> want = {"r b1=101", "r b3=300", "r b4=400", "c a3=30",
                                   "c b4=400", "c b5=500", "u a1=11"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  std::string st = src.checkpoint_state();
  BOOST_CHECK(st.find("phase=stream") != std::string::npos);
  BOOST_CHECK(st.find("filter=addt.a\nfilter=addt.b\n") != std::string::npos);
  BOOST_CHECK(st.find("catchup=") == std::string::npos);  // passed: dropped from the state
}

BOOST_AUTO_TEST_CASE(same_tables_or_pattern_matches_need_no_snapshot) {
  server().exec(
      "DROP DATABASE IF EXISTS addp; CREATE DATABASE addp; "
      "CREATE TABLE addp.a (id INT PRIMARY KEY, v INT)");
  auto cfg = make_cfg("addp", {"addp.*"}, my::SnapshotMode::Initial);
  std::string state;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    poll_for(src, std::chrono::milliseconds(300));
    state = src.checkpoint_state();
  }
  server().exec(
      "CREATE TABLE addp.n (id INT PRIMARY KEY, v INT); INSERT INTO addp.n VALUES (1, 1)");
  // `tables` now lists n explicitly: it matched the old pattern, so it was captured already.
  auto cfg2 = make_cfg("addp", {"addp.*", "n"}, my::SnapshotMode::Initial);
  my::MySqlSource src(cfg2);
  BOOST_REQUIRE(src.open(state).ok());
  auto evs = poll_n(src, 1);
  BOOST_REQUIRE_EQUAL(evs.size(), 1u);
  BOOST_CHECK_EQUAL(describe(evs[0]), "c n1=1");
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
}

BOOST_AUTO_TEST_SUITE_END()
