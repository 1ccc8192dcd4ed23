// The DDL model without a server: the tokenizer, each statement kind, column placement,
// renames, the checkpoint encoding, and what is not understood (ddl_apply.h, table_model.h).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "operators/mysql/column_definition.h"
#include "operators/mysql/ddl_apply.h"
#include "operators/mysql/ddl_lexer.h"
#include "operators/mysql/table_model.h"

using namespace sluice;
namespace my = sluice::operators::mysql;

namespace ddl_model_test_helpers {

// "kind:text" of each token but the End.
std::vector<std::string> lexed(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& t : my::lex_sql(sql)) {
    if (t.kind == my::TokenKind::End) break;
    const char* k = t.kind == my::TokenKind::Word     ? "w"
                    : t.kind == my::TokenKind::Ident  ? "i"
                    : t.kind == my::TokenKind::String ? "s"
                    : t.kind == my::TokenKind::Number ? "n"
                    : t.kind == my::TokenKind::Hex    ? "x"
                    : t.kind == my::TokenKind::Bits   ? "b"
                                                      : "p";
    out.push_back(std::string(k) + ":" + t.text);
  }
  return out;
}

// A model tracking database d (charset latin1).
my::SchemaModel ddl_test_model() {
  my::SchemaModel m;
  m.put_database("d", "latin1");
  return m;
}

my::DdlApplied ddl_test_apply(my::SchemaModel& m, const std::string& sql) {
  return my::apply_ddl(m, sql, "d");
}

std::vector<std::string> column_names(const my::SchemaModel& m, const std::string& table,
                                      const std::string& db = "d") {
  std::vector<std::string> out;
  const my::TableModel* t = m.find(db, table);
  if (t) {
    for (const auto& c : t->columns) out.push_back(c.name);
  }
  return out;
}

const my::InfoColumn& model_column(const my::SchemaModel& m, const std::string& table,
                                   const std::string& name) {
  static const my::InfoColumn kNone;
  const my::TableModel* t = m.find("d", table);
  if (t) {
    for (const auto& c : t->columns) {
      if (c.name == name) return c;
    }
  }
  return kNone;
}

}  // namespace ddl_model_test_helpers

using namespace ddl_model_test_helpers;
using Strings = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(ddl_model)

BOOST_AUTO_TEST_CASE(lexer_reads_names_strings_numbers_and_comments) {
  BOOST_CHECK(
      lexed("CREATE TABLE `a``b`.t1 (x INT)") ==
      (Strings{"w:CREATE", "w:TABLE", "i:a`b", "p:.", "w:t1", "p:(", "w:x", "w:INT", "p:)"}));
  BOOST_CHECK(lexed(R"('it''s', "d""q", 'a\nb\\c\'\%', 'x' 'y')") ==
              (Strings{"s:it's", "p:,", "s:d\"q", "p:,", "s:a\nb\\c'\\%", "p:,", "s:xy"}));
  BOOST_CHECK(lexed("12 1.5 .5 1e3 1e-3 -4 0x1F X'41' b'101' 0b11 1abc") ==
              (Strings{"n:12", "n:1.5", "n:.5", "n:1e3", "n:1e-3", "p:-", "n:4", "x:1F", "x:41",
                       "b:101", "b:11", "w:1abc"}));
  BOOST_CHECK(lexed("_utf8mb4'x', N'y' t.5c") ==
              (Strings{"s:x", "p:,", "s:y", "w:t", "p:.", "w:5c"}));
  BOOST_CHECK(lexed("a -- line\nb # hash\nc /* block */ d --x") ==
              (Strings{"w:a", "w:b", "w:c", "w:d", "p:-", "p:-", "w:x"}));
  BOOST_CHECK(lexed("a /*!50100 b */ c /*! d*/ /*M!100100 e */ /*+ hint */ f") ==
              (Strings{"w:a", "w:b", "w:c", "w:d", "w:e", "w:f"}));
  BOOST_CHECK(lexed("'unterminated").size() == 1);
  BOOST_CHECK(lexed("/* unterminated").empty());
}

BOOST_AUTO_TEST_CASE(create_table_types_defaults_charsets_and_key) {
  auto m = ddl_test_model();
  auto r = ddl_test_apply(
      m,
      "CREATE TABLE t (id INTEGER UNSIGNED NOT NULL, b BOOL DEFAULT 1, d DEC(7,3) DEFAULT 1, "
      "f FLOAT(30), v NATIONAL VARCHAR(5) DEFAULT 'x''y', c CHAR(3) COLLATE utf8mb4_bin, "
      "tx TEXT(100) CHARSET utf8mb4, j JSON, s SERIAL, e ENUM('a','B') DEFAULT 'b', "
      "ts TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3), dt DATETIME DEFAULT '2024-1-2 3:4:5', "
      "CONSTRAINT p PRIMARY KEY USING BTREE (ID DESC)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3");
  BOOST_CHECK(r.understood);
  const my::TableModel* t = m.find("d", "t");
  BOOST_REQUIRE(t);
  BOOST_CHECK_EQUAL(t->charset, "utf8mb3");
  BOOST_CHECK(t->primary_key == Strings{"id"});
  const auto& id = model_column(m, "t", "id");
  BOOST_CHECK_EQUAL(id.column_type, "int(10) unsigned");
  BOOST_CHECK(!id.nullable && !id.has_default);
  BOOST_CHECK_EQUAL(model_column(m, "t", "b").column_type, "tinyint(1)");
  BOOST_CHECK_EQUAL(model_column(m, "t", "d").default_text, "1.000");
  BOOST_CHECK_EQUAL(model_column(m, "t", "f").data_type, "double");
  BOOST_CHECK_EQUAL(model_column(m, "t", "v").charset, "utf8mb3");
  BOOST_CHECK_EQUAL(model_column(m, "t", "v").default_text, "'x''y'");
  BOOST_CHECK_EQUAL(model_column(m, "t", "c").charset, "utf8mb4");
  BOOST_CHECK_EQUAL(model_column(m, "t", "tx").data_type, "text");
  BOOST_CHECK(model_column(m, "t", "j").is_json);
  BOOST_CHECK_EQUAL(model_column(m, "t", "s").column_type, "bigint(20) unsigned");
  BOOST_CHECK_EQUAL(model_column(m, "t", "s").extra, "auto_increment");
  BOOST_CHECK_EQUAL(model_column(m, "t", "e").default_text, "'B'");
  BOOST_CHECK_EQUAL(model_column(m, "t", "ts").default_text, "current_timestamp(3)");
  BOOST_CHECK_EQUAL(model_column(m, "t", "dt").default_text, "'2024-01-02 03:04:05'");
  BOOST_CHECK_EQUAL(model_column(m, "t", "f").default_text, "NULL");
}

BOOST_AUTO_TEST_CASE(alter_table_places_columns_first_and_after) {
  auto m = ddl_test_model();
  ddl_test_apply(m, "CREATE TABLE t (a INT, b INT, c INT)");
  BOOST_CHECK(ddl_test_apply(m,
                             "ALTER TABLE t ADD x INT FIRST, ADD COLUMN y INT AFTER a, "
                             "ADD z INT")
                  .understood);
  BOOST_CHECK(column_names(m, "t") == (Strings{"x", "a", "y", "b", "c", "z"}));
  ddl_test_apply(m, "ALTER TABLE t MODIFY c BIGINT FIRST, CHANGE b bb INT AFTER z, DROP y");
  BOOST_CHECK(column_names(m, "t") == (Strings{"c", "x", "a", "z", "bb"}));
  ddl_test_apply(m, "ALTER TABLE t ADD COLUMN (p INT, q INT), RENAME COLUMN a TO aa");
  BOOST_CHECK(column_names(m, "t") == (Strings{"c", "x", "aa", "z", "bb", "p", "q"}));
  ddl_test_apply(m,
                 "ALTER TABLE t MODIFY IF EXISTS nope INT, DROP COLUMN IF EXISTS nope2, "
                 "ADD COLUMN IF NOT EXISTS p VARCHAR(3)");
  BOOST_CHECK_EQUAL(model_column(m, "t", "p").data_type, "int");
  BOOST_CHECK_EQUAL(model_column(m, "t", "c").column_type, "bigint(20)");
}

BOOST_AUTO_TEST_CASE(alter_table_keys_defaults_and_charsets) {
  auto m = ddl_test_model();
  ddl_test_apply(m, "CREATE TABLE t (a INT DEFAULT 3, b VARCHAR(3), c TEXT) CHARSET latin1");
  ddl_test_apply(m,
                 "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (b, a), ADD INDEX i (c(3)), "
                 "ALGORITHM=INPLACE, LOCK=NONE");
  BOOST_CHECK(m.find("d", "t")->primary_key == (Strings{"b", "a"}));
  BOOST_CHECK(!model_column(m, "t", "b").nullable);
  BOOST_CHECK(!model_column(m, "t", "b").has_default);
  BOOST_CHECK_EQUAL(model_column(m, "t", "a").default_text, "3");
  ddl_test_apply(m, "ALTER TABLE t ALTER a DROP DEFAULT, ALTER COLUMN c SET DEFAULT 'z'");
  BOOST_CHECK(!model_column(m, "t", "a").has_default);
  BOOST_CHECK_EQUAL(model_column(m, "t", "c").default_text, "'z'");
  ddl_test_apply(m, "ALTER TABLE t DROP PRIMARY KEY, CONVERT TO CHARACTER SET utf8mb4");
  BOOST_CHECK(m.find("d", "t")->primary_key.empty());
  BOOST_CHECK_EQUAL(model_column(m, "t", "c").data_type, "mediumtext");
  BOOST_CHECK_EQUAL(model_column(m, "t", "b").charset, "utf8mb4");
  BOOST_CHECK_EQUAL(m.find("d", "t")->charset, "utf8mb4");
  ddl_test_apply(m,
                 "ALTER TABLE t DEFAULT CHARACTER SET = latin1, ADD n CHAR(1), ENGINE=InnoDB, "
                 "COMMENT='x', AUTO_INCREMENT=5, ROW_FORMAT=DYNAMIC, FORCE");
  BOOST_CHECK_EQUAL(model_column(m, "t", "n").charset, "latin1");
  BOOST_CHECK_EQUAL(model_column(m, "t", "b").charset, "utf8mb4");
  BOOST_CHECK(ddl_test_apply(m,
                             "ALTER TABLE t ADD KEY k (a), DROP INDEX i, ADD FULLTEXT (c), "
                             "ADD CONSTRAINT ck CHECK (a > 0), DROP CONSTRAINT ck")
                  .understood);
  BOOST_CHECK(ddl_test_apply(m, "ALTER TABLE t COALESCE PARTITION 2").understood);
}

BOOST_AUTO_TEST_CASE(renames_and_drops_move_model_entries) {
  auto m = ddl_test_model();
  m.put_database("e", "utf8mb4");
  ddl_test_apply(m, "CREATE TABLE a (x INT)");
  ddl_test_apply(m, "CREATE TABLE b (y INT)");
  ddl_test_apply(m, "RENAME TABLE a TO tmp, b TO a, tmp TO b");
  BOOST_CHECK(column_names(m, "a") == Strings{"y"});
  BOOST_CHECK(column_names(m, "b") == Strings{"x"});
  ddl_test_apply(m, "ALTER TABLE b RENAME TO e.b2, ADD z INT");
  BOOST_CHECK(!m.find("d", "b"));
  BOOST_CHECK(column_names(m, "b2", "e") == (Strings{"x", "z"}));
  ddl_test_apply(m, "CREATE TABLE c LIKE e.b2");
  BOOST_CHECK(column_names(m, "c") == (Strings{"x", "z"}));
  ddl_test_apply(m, "RENAME TABLE c TO untracked.c");
  BOOST_CHECK(!m.find("d", "c"));
  auto back = ddl_test_apply(m, "RENAME TABLE untracked.c TO d.c");
  BOOST_CHECK(!back.understood);
  BOOST_REQUIRE_EQUAL(back.unknown.size(), 1u);
  BOOST_CHECK_EQUAL(back.unknown[0].second, "c");
  ddl_test_apply(m, "DROP TABLE IF EXISTS a, nothere");
  BOOST_CHECK(m.tables_of("d").empty());
  ddl_test_apply(m, "DROP DATABASE e");
  BOOST_CHECK(!m.has_database("e") && m.tables_of("e").empty());
}

BOOST_AUTO_TEST_CASE(databases_created_altered_dropped) {
  my::SchemaModel m;
  m.set_server_charset("utf8mb4");
  ddl_test_apply(m, "CREATE DATABASE x");
  BOOST_CHECK_EQUAL(m.database_charset("x"), "utf8mb4");
  ddl_test_apply(m, "CREATE SCHEMA IF NOT EXISTS y DEFAULT COLLATE = utf8_bin");
  BOOST_CHECK_EQUAL(m.database_charset("y"), "utf8mb3");
  ddl_test_apply(m, "ALTER DATABASE y CHARACTER SET latin1");
  BOOST_CHECK_EQUAL(m.database_charset("y"), "latin1");
  ddl_test_apply(m, "CREATE TABLE y.t (a CHAR(1))");
  BOOST_CHECK_EQUAL(m.find("y", "t")->columns[0].charset, "latin1");
  ddl_test_apply(m, "DROP SCHEMA IF EXISTS y");
  BOOST_CHECK(!m.has_database("y") && !m.find("y", "t"));
}

BOOST_AUTO_TEST_CASE(what_is_not_understood_or_ignored) {
  auto m = ddl_test_model();
  ddl_test_apply(m, "CREATE TABLE t (a INT)");
  const my::SchemaModel before = m;
  for (const char* sql : {"CREATE TABLE s AS SELECT 1", "CREATE TABLE s (a INT) SELECT 1",
                          "ALTER TABLE t ADD COLUMN w WEIRDTYPE", "ALTER TABLE t FROBNICATE",
                          "ALTER TABLE t ADD SYSTEM VERSIONING", "ALTER TABLE nothere ADD b INT"}) {
    auto r = ddl_test_apply(m, sql);
    BOOST_CHECK_MESSAGE(!r.understood && r.unknown.size() == 1, sql);
  }
  BOOST_CHECK(m.find("d", "t") && *m.find("d", "t") == *before.find("d", "t"));
  for (const char* sql :
       {"INSERT INTO t VALUES (1)", "GRANT ALL ON *.* TO x", "CREATE INDEX i ON t (a)",
        "DROP INDEX i ON t", "TRUNCATE t", "CREATE TEMPORARY TABLE t (z INT)",
        "DROP TEMPORARY TABLE t", "CREATE VIEW v AS SELECT 1", "ALTER TABLE other.t ADD b INT",
        "CREATE TABLE other.u (a INT)", "BEGIN", ""}) {
    auto r = ddl_test_apply(m, sql);
    BOOST_CHECK_MESSAGE(r.understood && r.unknown.empty(), sql);
  }
  BOOST_CHECK(column_names(m, "t") == Strings{"a"});
  BOOST_CHECK(!m.has_database("other"));
}

BOOST_AUTO_TEST_CASE(model_encoding_round_trips_and_refuses_garbage) {
  auto m = ddl_test_model();
  m.put_database("we ird,db", "utf8mb4");
  m.set_server_charset("utf8mb4");
  ddl_test_apply(m,
                 "CREATE TABLE t (`a b,c%` VARCHAR(3) DEFAULT 'x y\\n,%', k INT PRIMARY KEY, "
                 "j JSON)");
  ddl_test_apply(m, "CREATE TABLE `we ird,db`.e (a INT)");
  const std::string text = m.encode();
  BOOST_CHECK(text.find('\n') == std::string::npos);
  auto back = my::SchemaModel::decode(text);
  BOOST_REQUIRE(back.ok());
  BOOST_CHECK_EQUAL(back->encode(), text);
  BOOST_CHECK(*back->find("d", "t") == *m.find("d", "t"));
  BOOST_CHECK_EQUAL(back->server_charset(), "utf8mb4");
  BOOST_CHECK_EQUAL(back->database_charset("we ird,db"), "utf8mb4");
  BOOST_CHECK(my::SchemaModel::decode(my::SchemaModel().encode()).ok());
  for (const std::string& bad :
       {std::string(), std::string("garbage"), std::string("sm1 x,1"), std::string("sm1 d,a"),
        std::string("sm1 t,d,t,latin1,0,1"), std::string("sm1 t,d,t,latin1,9,0"),
        std::string("sm1 t,d,t,latin1,0,1 c,a,int,int(11),,,2,,1,0"), std::string("sm1 d,%G1,x"),
        text.substr(0, text.size() / 2), text + " c,a", std::string("sm1 \x01\xff%")}) {
    BOOST_CHECK_MESSAGE(!my::SchemaModel::decode(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_CASE(every_prefix_of_a_statement_is_survived) {
  auto base = ddl_test_model();
  ddl_test_apply(base, "CREATE TABLE t (a INT, b VARCHAR(3), c TEXT, PRIMARY KEY (a))");
  for (const std::string sql :
       {"CREATE TABLE IF NOT EXISTS `x` (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, v "
        "DECIMAL(5,2) DEFAULT '1.5', e ENUM('a','b') DEFAULT 'a', j JSON, t TEXT(30) CHARSET "
        "utf8mb4 COLLATE utf8mb4_bin, PRIMARY KEY (id), KEY k (v)) ENGINE=InnoDB /*!40101 "
        "DEFAULT CHARSET=latin1 */",
        "ALTER TABLE t ADD COLUMN (x INT, y CHAR(2)), MODIFY b VARCHAR(9) AFTER c, CHANGE c cc "
        "TEXT FIRST, ALTER a SET DEFAULT 4, RENAME COLUMN cc TO c3, CONVERT TO CHARACTER SET "
        "utf8mb4, RENAME TO d.t2",
        "RENAME TABLE t TO u, u TO t", "DROP TABLE IF EXISTS t, u",
        "CREATE DATABASE IF NOT EXISTS z DEFAULT CHARACTER SET = latin1 COLLATE latin1_bin"}) {
    for (size_t n = 0; n <= sql.size(); ++n) {
      auto m = base;
      ddl_test_apply(m, sql.substr(0, n));
      BOOST_CHECK(my::SchemaModel::decode(m.encode()).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(describe_model_is_the_table_struct) {
  auto m = ddl_test_model();
  ddl_test_apply(m, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) DEFAULT 'it''s')");
  const Value v = my::describe_model(*m.find("d", "t"));
  BOOST_CHECK_EQUAL(v.as_object().find(intern("defaultCharsetName"))->as_string(), "latin1");
  const List& cols = v.as_object().find(intern("columns"))->as_list();
  BOOST_REQUIRE_EQUAL(cols.size(), 2u);
  BOOST_CHECK_EQUAL(cols[1].as_object().find(intern("defaultValueExpression"))->as_string(),
                    "it's");
  BOOST_CHECK_EQUAL(cols[1].as_object().find(intern("length"))->as_int(), 10);
}

BOOST_AUTO_TEST_SUITE_END()
