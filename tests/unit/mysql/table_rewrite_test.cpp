// DDL that changes the values of rows a table had without row events (docs/mysql.md "DDL that
// rewrites rows"): a column added with a default, renamed or retyped, a table swapped in by
// RENAME. With table_rewrites = reread the table is read again while streaming goes on, so a
// replica of the events (upserting as the postgres sink does, never dropping a column) equals
// the table; with warn the replica keeps what it had.
#include "operators/mysql/table_rewrite.h"

#include <boost/test/unit_test.hpp>
#include <map>

#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

my::InfoColumn col(const std::string& name, const std::string& data_type,
                   const std::string& column_type, bool nullable = true) {
  my::InfoColumn c;
  c.name = name;
  c.data_type = data_type;
  c.column_type = column_type;
  c.nullable = nullable;
  return c;
}

// A nullable INT column with DEFAULT `text` ("NULL" included).
my::InfoColumn int_with_default(const std::string& name, const std::string& text) {
  auto c = col(name, "int", "int(11)");
  c.has_default = true;
  c.default_text = text;
  return c;
}

my::TableModel model(std::vector<my::InfoColumn> columns) {
  my::TableModel t;
  t.columns = std::move(columns);
  t.primary_key = {"id"};
  return t;
}

// Table rw.t as an upserting target holds it: id -> column -> value text. A column once seen
// stays (the postgres sink adds columns, never drops them); a truncate empties the table.
struct UpsertReplica {
  std::map<std::string, std::map<std::string, std::string>> rows;
  size_t truncates = 0;
  void apply(const std::vector<Event>& evs) {
    for (const auto& e : evs) {
      if (e.op == Op::Schema || !e.source || e.source->table != "t") continue;
      if (e.op == Op::Truncate) {
        rows.clear();
        ++truncates;
        continue;
      }
      if (e.op == Op::Delete) {
        rows.erase(e.row.find(intern("id"))->to_display());
        continue;
      }
      if (e.op == Op::Update) rows.erase(e.before.find(intern("id"))->to_display());
      auto& r = rows[e.row.find(intern("id"))->to_display()];
      for (const auto& f : e.row.fields()) r[sym_name(f.name)] = f.value.to_display();
    }
  }
};

// The rows of rw.t as the server has them now, in the replica's shape.
std::map<std::string, std::map<std::string, std::string>> server_table() {
  std::vector<std::string> names;
  for (const auto& r : server().query(
           "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'rw' AND "
           "TABLE_NAME = 't' ORDER BY ORDINAL_POSITION")) {
    names.push_back(*r.at(0));
  }
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& r : server().query("SELECT * FROM rw.t")) {
    auto& row = out[*r.at(0)];
    for (size_t i = 0; i < names.size(); ++i) row[names[i]] = r.at(i).value_or("null");
  }
  return out;
}

// The replica's rows restricted to the server's columns (a renamed column's old name stays in
// the replica, as in a target).
void check_equal(const UpsertReplica& r) {
  const auto want = server_table();
  BOOST_REQUIRE_EQUAL(r.rows.size(), want.size());
  for (const auto& [id, cols] : want) {
    auto it = r.rows.find(id);
    BOOST_REQUIRE_MESSAGE(it != r.rows.end(), "id " + id + " missing");
    for (const auto& [name, value] : cols) {
      auto v = it->second.find(name);
      BOOST_CHECK_MESSAGE(v != it->second.end() && v->second == value,
                          "id " + id + " column " + name + ": replica " +
                              (v == it->second.end() ? std::string("(none)") : v->second) +
                              ", server " + value);
    }
  }
}

const char* kTable =
    "DROP DATABASE IF EXISTS rw; CREATE DATABASE rw; "
    "CREATE TABLE rw.t (id INT PRIMARY KEY, v VARCHAR(20), d DECIMAL(10,2)); "
    "INSERT INTO rw.t SELECT seq, CONCAT('v', seq), seq + 0.25 FROM rw.seq_1_to_300";

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_table_rewrites)

BOOST_AUTO_TEST_CASE(which_column_changes_rewrite_rows) {
  const auto base = model({col("id", "int", "int(11)", false), col("v", "varchar", "varchar(20)"),
                           col("d", "decimal", "decimal(10,2)"), col("e", "enum", "enum('a','b')"),
                           col("i", "int", "int(11)"), col("t", "datetime", "datetime")});
  auto with = [&](auto change) {
    auto m = base;
    change(m);
    return my::rewritten_columns(base, m);
  };
  // Kept: values stay what the binlog gave.
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[1].column_type = "varchar(40)"; }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[2].column_type = "decimal(12,2)"; }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[3].column_type = "enum('a','b','c')"; }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[4] = col("i", "bigint", "bigint(20)"); }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[5].column_type = "datetime(6)"; }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[1] = col("v", "text", "text"); }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns.push_back(col("n", "int", "int(11)")); }), "");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns.pop_back(); }), "");  // a column dropped
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns.push_back(int_with_default("n", "NULL")); }), "");
  // Rewritten: the server changed values of the rows it had.
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns.push_back(int_with_default("w", "7")); }),
                    "column w added with DEFAULT 7");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns.push_back(col("w", "int", "int(11)", false)); }),
                    "column w added NOT NULL");
  BOOST_CHECK_EQUAL(with([](auto& m) {
                      auto c = col("g", "int", "int(11)");
                      c.extra = "VIRTUAL GENERATED";
                      m.columns.push_back(c);
                    }),
                    "column g added, generated");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[1].name = "v2"; }),
                    "column v2 took the place of v");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[1].column_type = "varchar(10)"; }),
                    "column v changed from varchar(20) to varchar(10)");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[2].column_type = "decimal(10,1)"; }),
                    "column d changed from decimal(10,2) to decimal(10,1)");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[3].column_type = "enum('b','a')"; }),
                    "column e changed from enum('a','b') to enum('b','a')");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[4] = col("i", "int", "int(10) unsigned"); }),
                    "column i changed from int(11) to int(10) unsigned");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[1] = col("v", "int", "int(11)"); }),
                    "column v changed from varchar(20) to int(11)");
  BOOST_CHECK_EQUAL(with([](auto& m) { m.columns[1].nullable = false; }),
                    "column v became NOT NULL");
  // Character sets: converted to one that holds every character, or not.
  auto charsets = [](const char* from, const char* to) {
    auto a = col("v", "varchar", "varchar(20)"), b = a;
    a.charset = from;
    b.charset = to;
    return my::column_widened(a, b);
  };
  BOOST_CHECK(charsets("latin1", "utf8mb4"));
  BOOST_CHECK(charsets("utf8mb3", "utf8mb4"));
  BOOST_CHECK(charsets("latin1", "utf8mb3"));
  BOOST_CHECK(!charsets("utf8mb4", "latin1"));
  BOOST_CHECK(!charsets("utf8mb4", "utf8mb3"));
  BOOST_CHECK(!charsets("latin1", "cp1251"));
  auto utf8 = base;
  utf8.columns[1].charset = "utf8mb4";
  auto latin1 = utf8;
  latin1.columns[1].charset = "latin1";
  BOOST_CHECK_EQUAL(my::rewritten_columns(utf8, latin1),
                    "column v converted from utf8mb4 to latin1");
  BOOST_CHECK_EQUAL(my::rewritten_columns(latin1, utf8), "");
}

// Each statement while streaming, a change between them: the replica ends equal to the table;
// the rewriting statements counted, the swapped-in and the replaced table truncated once each.
BOOST_AUTO_TEST_CASE(rewriting_ddl_reads_the_table_again) {
  server().exec(kTable);
  auto cfg = make_cfg("rw", {"t"}, my::SnapshotMode::Initial);
  cfg.snapshot_method = my::SnapshotMethod::LockFree;
  cfg.chunk_rows = 100;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  UpsertReplica r;
  r.apply(poll_until_read(src, std::chrono::milliseconds(300)));
  BOOST_REQUIRE_EQUAL(r.rows.size(), 300u);
  const std::vector<std::string> statements = {
      "ALTER TABLE rw.t ADD COLUMN w INT NOT NULL DEFAULT 7",  // rewrites
      "UPDATE rw.t SET w = 1 WHERE id = 5",
      "ALTER TABLE rw.t ADD COLUMN n INT NULL",   // null, as the replica has it
      "ALTER TABLE rw.t MODIFY v VARCHAR(40)",    // widened
      "ALTER TABLE rw.t MODIFY d DECIMAL(10,1)",  // rounds every value: rewrites
      "ALTER TABLE rw.t RENAME COLUMN v TO v2",   // rewrites
      "CREATE TABLE rw.t_new LIKE rw.t",          // not captured
      "INSERT INTO rw.t_new (id, v2, d, w) VALUES (1000, 'x', 1.5, 3), (1001, 'y', 2.5, 4)",
      "RENAME TABLE rw.t TO rw.t_old, rw.t_new TO rw.t",  // swapped in: truncated, read again
      "INSERT INTO rw.t (id, v2, d, w) VALUES (1002, 'z', 3.5, 5)",
      "CREATE TABLE IF NOT EXISTS rw.t (id INT PRIMARY KEY)",  // exists: nothing changes
      "INSERT INTO rw.t (id, v2, d, w) VALUES (1003, 'q', 4.5, 6)",
      "CREATE OR REPLACE TABLE rw.t2 (id INT PRIMARY KEY)",                 // not captured
      "CREATE OR REPLACE TABLE rw.t (id INT PRIMARY KEY, v2 VARCHAR(40))",  // empty: truncated
      "INSERT INTO rw.t VALUES (1, 'new')"};
  for (const auto& s : statements) {
    server().exec(s);
    r.apply(poll_for(src, std::chrono::milliseconds(800)));
  }
  r.apply(poll_until_read(src, std::chrono::milliseconds(1000)));
  check_equal(r);
  BOOST_CHECK_EQUAL(r.rows.size(), 1u);
  BOOST_CHECK_EQUAL(r.truncates, 2u);  // the swap, CREATE OR REPLACE
  BOOST_REQUIRE(src.stream_stats() != nullptr);
  BOOST_CHECK_EQUAL(src.stream_stats()->table_rewrites.load(), 5u);
  BOOST_CHECK(src.checkpoint_state().find("reading=") == std::string::npos);
}

// table_rewrites = warn: nothing is read again; the replica keeps the values the rows had.
BOOST_AUTO_TEST_CASE(table_rewrites_warn_keeps_the_values) {
  server().exec(kTable);
  auto cfg = make_cfg("rw", {"t"}, my::SnapshotMode::Initial);
  cfg.table_rewrites = my::TableRewrites::Warn;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  UpsertReplica r;
  r.apply(poll_until_read(src, std::chrono::milliseconds(300)));
  server().exec("ALTER TABLE rw.t ADD COLUMN w INT NOT NULL DEFAULT 7");
  r.apply(poll_for(src, std::chrono::milliseconds(1000)));
  BOOST_REQUIRE_EQUAL(r.rows.size(), 300u);
  BOOST_CHECK(r.rows["1"].count("w") == 0);  // the server's rows have w = 7
  BOOST_CHECK_EQUAL(src.stream_stats()->table_rewrites.load(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()
