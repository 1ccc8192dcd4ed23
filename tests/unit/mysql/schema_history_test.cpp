// The source's table model (issue 20, point 2): schema-change events describe each table as it
// was at its own statement, also when read late and across a restart; DDL of tables not captured
// in captured databases and statements on databases are events too (as Debezium writes them);
// the initial snapshot begins with Debezium's snapshot statements.
#include <boost/test/unit_test.hpp>

#include "base/json.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace schema_history_test {

// The schema-change events of `evs`, each as "ddl | TYPE id | column,column".
std::vector<std::string> summaries(const std::vector<Event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) {
    if (e.op != Op::Schema) continue;
    std::string s = field(e, "ddl").as_string() + " |";
    for (const auto& change : field(e, "tableChanges").as_list()) {
      const Object& c = change.as_object();
      s += " " + c.find(intern("type"))->as_string() + " " + c.find(intern("id"))->as_string();
      const Value* table = c.find(intern("table"));
      if (table == nullptr || table->is_null()) continue;
      s += " |";
      for (const auto& col : table->as_object().find(intern("columns"))->as_list()) {
        s += " " + col.as_object().find(intern("name"))->as_string();
      }
    }
    out.push_back(s);
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

}  // namespace schema_history_test

BOOST_AUTO_TEST_SUITE(mysql_schema_history)

// Three ALTERs of one table run while the source is down: read after the restart, each event
// describes the table after its own statement (information_schema would give the last form
// three times), and the model the checkpoint recorded carries over to the next restart.
BOOST_AUTO_TEST_CASE(each_statement_describes_the_table_as_it_was) {
  using schema_history_test::joined;
  using schema_history_test::summaries;
  server().exec(
      "DROP DATABASE IF EXISTS shist; CREATE DATABASE shist; CREATE TABLE shist.t (id INT "
      "PRIMARY KEY, a VARCHAR(10))");
  auto cfg = make_cfg("shist", {"shist.t"});
  cfg.start = current_start();
  std::string state;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    state = src.checkpoint_state();
    BOOST_CHECK(state.find("\nmodel=") != std::string::npos);
  }
  server().exec(
      "ALTER TABLE shist.t ADD COLUMN b INT; ALTER TABLE shist.t ADD COLUMN c INT FIRST; "
      "ALTER TABLE shist.t DROP COLUMN a");
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open(state).ok());
    auto evs = poll_n(src, 3, std::chrono::seconds(15), 1000, true);
    BOOST_CHECK_EQUAL(joined(summaries(evs)),
                      "ALTER TABLE shist.t ADD COLUMN b INT | ALTER \"shist\".\"t\" | id a b\n"
                      "ALTER TABLE shist.t ADD COLUMN c INT FIRST | ALTER \"shist\".\"t\" | c id "
                      "a b\n"
                      "ALTER TABLE shist.t DROP COLUMN a | ALTER \"shist\".\"t\" | c id b\n");
    state = src.checkpoint_state();
  }
  server().exec(
      "ALTER TABLE shist.t ADD COLUMN d INT AFTER id; INSERT INTO shist.t VALUES (1, 2, 3, 4)");
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open(state).ok());
  auto evs = poll_n(src, 2, std::chrono::seconds(15), 1000, true);
  BOOST_REQUIRE_EQUAL(evs.size(), 2u);
  BOOST_CHECK_EQUAL(joined(summaries(evs)),
                    "ALTER TABLE shist.t ADD COLUMN d INT AFTER id | ALTER \"shist\".\"t\" | c id "
                    "d b\n");
  BOOST_CHECK_EQUAL(field(evs[1], "d").as_int(), 3);
}

// Debezium writes the DDL of every table of a captured database and the statements on captured
// databases; other databases' statements are not written.
BOOST_AUTO_TEST_CASE(ddl_of_other_tables_and_of_databases) {
  using schema_history_test::joined;
  using schema_history_test::summaries;
  server().exec(
      "DROP DATABASE IF EXISTS shx1; DROP DATABASE IF EXISTS shx2; DROP DATABASE IF EXISTS "
      "shy; CREATE DATABASE shx1; CREATE TABLE shx1.t (id INT PRIMARY KEY)");
  auto cfg = make_cfg("", {"shx*.t"});
  cfg.start = current_start();
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  server().exec(
      "CREATE TABLE shx1.other (x INT); ALTER TABLE shx1.other ADD y INT; INSERT INTO shx1.other "
      "VALUES (1, 2); CREATE DATABASE shy; CREATE TABLE shy.z (k INT); CREATE DATABASE shx2 "
      "CHARACTER SET latin1; CREATE TABLE shx2.t (id INT PRIMARY KEY, s VARCHAR(3)); ALTER "
      "DATABASE shx2 CHARACTER SET utf8mb4; DROP DATABASE shx2; RENAME TABLE shx1.other TO "
      "shx1.o2, shy.z TO shy.z2; DROP TABLE shx1.o2; DROP DATABASE shy; INSERT INTO shx1.t "
      "VALUES (7)");
  auto evs = poll_n(src, 9, std::chrono::seconds(15), 1000, true);
  BOOST_REQUIRE_EQUAL(evs.size(), 9u);
  BOOST_CHECK_EQUAL(joined(summaries(evs)),
                    "CREATE TABLE shx1.other (x INT) | CREATE \"shx1\".\"other\" | x\n"
                    "ALTER TABLE shx1.other ADD y INT | ALTER \"shx1\".\"other\" | x y\n"
                    "CREATE DATABASE shx2 CHARACTER SET latin1 |\n"
                    "CREATE TABLE shx2.t (id INT PRIMARY KEY, s VARCHAR(3)) | CREATE "
                    "\"shx2\".\"t\" | id s\n"
                    "ALTER DATABASE shx2 CHARACTER SET utf8mb4 |\n"
                    "DROP DATABASE shx2 |\n"
                    "RENAME TABLE shx1.other TO shx1.o2 | ALTER \"shx1\".\"o2\" | x y\n"
                    "DROP TABLE `shx1`.`o2` | DROP \"shx1\".\"o2\"\n");
  BOOST_CHECK(field(evs[2], "databaseName") == Value::string("shx2"));
  // ALTER DATABASE: in the statement's database as the binlog records it (the altered one, also
  // from a session without one), where Debezium puts it.
  BOOST_CHECK(field(evs[4], "databaseName") == Value::string("shx2"));
  // The CREATE of shx2.t: its string column in the database's charset.
  const Value& t = *field(evs[3], "tableChanges").as_list()[0].as_object().find(intern("table"));
  BOOST_CHECK(*t.as_object().find(intern("defaultCharsetName")) == Value::string("latin1"));
  BOOST_CHECK_EQUAL(field(evs[8], "id").as_int(), 7);  // rows: the captured table's only
}

// The initial snapshot begins with Debezium's snapshot statements (both methods), then rows; the
// state records the model.
BOOST_AUTO_TEST_CASE(snapshot_begins_with_the_statements_of_its_databases) {
  using schema_history_test::summaries;
  server().exec(
      "DROP DATABASE IF EXISTS shsnap; CREATE DATABASE shsnap CHARACTER SET utf8mb4 COLLATE "
      "utf8mb4_general_ci; CREATE TABLE shsnap.b (id INT PRIMARY KEY, v DECIMAL(9,2)); CREATE "
      "TABLE shsnap.a (k VARCHAR(5) PRIMARY KEY); INSERT INTO shsnap.a VALUES ('x'); INSERT INTO "
      "shsnap.b VALUES (1, 2.50)");
  for (auto method : {my::SnapshotMethod::Consistent, my::SnapshotMethod::LockFree}) {
    auto cfg = make_cfg("shsnap", {"shsnap.a", "shsnap.b"}, my::SnapshotMode::Initial);
    cfg.snapshot_method = method;
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    auto evs = poll_n(src, 10, std::chrono::seconds(15), 1000, true);
    BOOST_REQUIRE_EQUAL(evs.size(), 10u);
    auto s = summaries(evs);
    BOOST_REQUIRE_EQUAL(s.size(), 8u);
    BOOST_CHECK(s[0].rfind("SET character_set_server=", 0) == 0);
    BOOST_CHECK(s[0].find(", collation_server=") != std::string::npos);
    BOOST_CHECK_EQUAL(s[1], "DROP TABLE IF EXISTS `shsnap`.`a` | DROP \"shsnap\".\"a\"");
    BOOST_CHECK_EQUAL(s[2], "DROP TABLE IF EXISTS `shsnap`.`b` | DROP \"shsnap\".\"b\"");
    BOOST_CHECK_EQUAL(s[3], "DROP DATABASE IF EXISTS `shsnap` |");
    BOOST_CHECK_EQUAL(s[4],
                      "CREATE DATABASE `shsnap` CHARSET utf8mb4 COLLATE utf8mb4_general_ci |");
    BOOST_CHECK_EQUAL(s[5], "USE `shsnap` |");
    BOOST_CHECK(s[6].rfind("CREATE TABLE `a` (", 0) == 0);
    BOOST_CHECK(s[6].find("| CREATE \"shsnap\".\"a\" | k") != std::string::npos);
    BOOST_CHECK(s[7].find("| CREATE \"shsnap\".\"b\" | id v") != std::string::npos);
    for (size_t i = 0; i < 8; ++i) {
      BOOST_CHECK(evs[i].op == Op::Schema);
      BOOST_CHECK(evs[i].snapshot_mark == SnapshotMark::Middle);
    }
    BOOST_CHECK(field(evs[0], "databaseName") == Value::string(""));
    BOOST_CHECK(field(evs[4], "databaseName") == Value::string("shsnap"));
    BOOST_CHECK(evs[8].op == Op::Read && evs[9].op == Op::Read);
    BOOST_CHECK(src.checkpoint_state().find("\nmodel=") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
