// TRUNCATE TABLE in the binlog: one Op::Truncate event between the right rows (follow), an
// error naming the statement (fail), nothing at all (ignore).
#include <boost/test/unit_test.hpp>

#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

BOOST_AUTO_TEST_SUITE(mysql_truncate)

BOOST_AUTO_TEST_CASE(truncate_is_one_event_between_the_right_rows) {
  server().exec(
      "DROP DATABASE IF EXISTS tr; CREATE DATABASE tr; "
      "CREATE TABLE tr.t (id INT PRIMARY KEY, v VARCHAR(10)); "
      "CREATE TABLE tr.other (id INT PRIMARY KEY)");
  auto cfg = make_cfg("tr", {"t", "other"});
  cfg.start = current_start();
  server().exec("INSERT INTO tr.t VALUES (1, 'a'), (2, 'b')");
  server().exec("TRUNCATE TABLE tr.t");
  server().exec("INSERT INTO tr.t VALUES (3, 'c')");
  server().exec("USE tr; TRUNCATE other");  // unqualified, default database
  server().exec("CREATE TABLE tr.skipped (id INT PRIMARY KEY); TRUNCATE TABLE tr.skipped");
  server().exec("INSERT INTO tr.t VALUES (4, 'd')");
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  auto evs = poll_n(src, 6);
  BOOST_REQUIRE_EQUAL(evs.size(), 6u);
  BOOST_CHECK(evs[0].op == Op::Create && field(evs[0], "id").as_int() == 1);
  BOOST_CHECK(evs[1].op == Op::Create && field(evs[1], "id").as_int() == 2);
  BOOST_CHECK(evs[2].op == Op::Truncate);
  BOOST_CHECK(evs[2].row.empty());
  BOOST_CHECK(evs[2].key.is_null());
  BOOST_REQUIRE(evs[2].source);
  BOOST_CHECK_EQUAL(evs[2].source->db, "tr");
  BOOST_CHECK_EQUAL(evs[2].source->table, "t");
  BOOST_CHECK_EQUAL(evs[2].source->connector, "mysql");
  BOOST_CHECK(evs[2].ts > 0);
  BOOST_REQUIRE(evs[2].position.type() == Type::Object);
  BOOST_CHECK(evs[2].position.as_object().find(intern("pos"))->as_int() >
              evs[1].position.as_object().find(intern("pos"))->as_int());
  BOOST_CHECK(evs[3].op == Op::Create && field(evs[3], "id").as_int() == 3);
  BOOST_CHECK(evs[4].op == Op::Truncate);
  BOOST_CHECK_EQUAL(evs[4].source->table, "other");
  BOOST_CHECK(evs[5].op == Op::Create &&
              field(evs[5], "id").as_int() == 4);  // skipped: not captured
  BOOST_CHECK_EQUAL(src.stream_stats()->truncates.load(), 2u);
  // The truncate counts as a delivered event for resuming: a checkpoint right after it
  // resumes with nothing repeated.
  std::string state = src.checkpoint_state();
  src.close();
  my::MySqlSource again(cfg);
  BOOST_REQUIRE(again.open(state).ok());
  server().exec("INSERT INTO tr.t VALUES (5, 'e')");
  auto more = poll_n(again, 1);
  BOOST_REQUIRE_EQUAL(more.size(), 1u);
  BOOST_CHECK(more[0].op == Op::Create && field(more[0], "id").as_int() == 5);
  BOOST_CHECK(poll_for(again, std::chrono::milliseconds(300)).empty());
}

BOOST_AUTO_TEST_CASE(resume_between_truncates_skips_exactly) {
  server().exec(
      "DROP DATABASE IF EXISTS tr2; CREATE DATABASE tr2; "
      "CREATE TABLE tr2.t (id INT PRIMARY KEY)");
  auto cfg = make_cfg("tr2", {"t"});
  cfg.start = current_start();
  server().exec("INSERT INTO tr2.t VALUES (1)");
  server().exec("TRUNCATE TABLE tr2.t");
  server().exec("INSERT INTO tr2.t VALUES (2)");
  std::string state;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    auto evs = poll_n(src, 2, std::chrono::seconds(10), 1);
    BOOST_REQUIRE_EQUAL(evs.size(), 2u);
    BOOST_CHECK(evs[1].op == Op::Truncate);
    state = src.checkpoint_state();
  }
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open(state).ok());
  auto evs = poll_n(src, 1);
  BOOST_REQUIRE_EQUAL(evs.size(), 1u);
  BOOST_CHECK(evs[0].op == Op::Create && field(evs[0], "id").as_int() == 2);
}

BOOST_AUTO_TEST_CASE(truncate_with_fail_and_ignore) {
  server().exec(
      "DROP DATABASE IF EXISTS tr3; CREATE DATABASE tr3; "
      "CREATE TABLE tr3.t (id INT PRIMARY KEY)");
  auto start = current_start();
  server().exec("INSERT INTO tr3.t VALUES (1); TRUNCATE TABLE tr3.t; INSERT INTO tr3.t VALUES (2)");
  {
    auto cfg = make_cfg("tr3", {"t"});
    cfg.start = start;
    cfg.schema_changes = my::SchemaChanges::Ignore;
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    auto evs = poll_n(src, 2);
    BOOST_REQUIRE_EQUAL(evs.size(), 2u);
    BOOST_CHECK(evs[0].op == Op::Create && evs[1].op == Op::Create);
    BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
  }
  auto cfg = make_cfg("tr3", {"t"});
  cfg.start = start;
  cfg.schema_changes = my::SchemaChanges::Fail;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  std::string msg;
  std::vector<Event> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (msg.empty() && std::chrono::steady_clock::now() < deadline) {
    auto r = src.poll(10, out);
    if (!r.ok()) msg = r.err().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  BOOST_CHECK_EQUAL(out.size(), 1u);  // the row before it
  BOOST_CHECK_MESSAGE(
      msg.find("TRUNCATE") != std::string::npos && msg.find("schema_changes") != std::string::npos,
      msg);
}

BOOST_AUTO_TEST_SUITE_END()
