// The DDL model (ddl_apply.h) against MariaDB itself: each statement runs on the private
// server and is applied to a SchemaModel loaded right after CREATE DATABASE; after each one,
// every table's describe_model() must equal describe_table() read from information_schema.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "base/json.h"
#include "operators/mysql/ddl_apply.h"
#include "operators/mysql/table_model.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace ddl_model_server_helpers {

const std::vector<std::string> kModelDatabases = {"ddlm", "ddlm2", "ddlm3"};

std::vector<std::string> server_tables(my::Connection& conn, const std::string& db) {
  auto rows = conn.query(
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND "
      "TABLE_SCHEMA = " +
      conn.quote(db) + " ORDER BY TABLE_NAME");
  BOOST_REQUIRE_MESSAGE(rows.ok(), (rows.ok() ? "" : rows.err().message));
  std::vector<std::string> out;
  for (auto& r : *rows) out.push_back(r[0].value_or(""));
  return out;
}

std::string server_db_charset(my::Connection& conn, const std::string& db) {
  auto cs = conn.scalar(
      "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
      conn.quote(db));
  BOOST_REQUIRE(cs.ok());
  return cs->value_or("<none>");
}

// Reports the fields (and columns) of the table structs that differ.
bool compare_described(const Value& model, const Value& server, const std::string& where) {
  bool same = true;
  for (const char* field : {"defaultCharsetName", "primaryKeyColumnNames"}) {
    const std::string m = json::encode(*model.as_object().find(intern(field)));
    const std::string s = json::encode(*server.as_object().find(intern(field)));
    same = same && m == s;
    BOOST_CHECK_MESSAGE(m == s, where << " " << field << ": model " << m << " server " << s);
  }
  const List& mc = model.as_object().find(intern("columns"))->as_list();
  const List& sc = server.as_object().find(intern("columns"))->as_list();
  same = same && mc.size() == sc.size();
  BOOST_CHECK_MESSAGE(mc.size() == sc.size(),
                      where << ": " << mc.size() << " columns, server " << sc.size());
  for (size_t i = 0; i < std::min(mc.size(), sc.size()); ++i) {
    const std::string m = json::encode(mc[i]), s = json::encode(sc[i]);
    same = same && m == s;
    BOOST_CHECK_MESSAGE(m == s,
                        where << " column " << i + 1 << "\n model:  " << m << "\n server: " << s);
  }
  return same;
}

// The model equals the server for every database and table; `step` names the statement.
bool compare_model(my::Connection& conn, const my::SchemaModel& model, const std::string& step) {
  bool same = true;
  for (const auto& db : kModelDatabases) {
    const std::string cs = server_db_charset(conn, db);
    BOOST_CHECK_MESSAGE(
        (cs == "<none>" && !model.has_database(db)) || cs == model.database_charset(db),
        step << ": database " << db << " charset " << cs << " vs " << model.database_charset(db));
    const std::vector<std::string> tables = server_tables(conn, db);
    same = same && tables == model.tables_of(db);
    BOOST_CHECK_MESSAGE(tables == model.tables_of(db), step << ": the tables of " << db);
    for (const auto& t : tables) {
      auto want = my::describe_table(conn, db, t);
      BOOST_REQUIRE_MESSAGE(want.ok(), (want.ok() ? "" : want.err().message));
      const my::TableModel* have = model.find(db, t);
      BOOST_CHECK_MESSAGE(have, step << ": " << db << "." << t << " is not in the model");
      if (have) {
        same =
            compare_described(my::describe_model(*have), *want, step + ": " + db + "." + t) && same;
      } else {
        same = false;
      }
    }
  }
  return same;
}

// The statements, in order (each runs on the database ddlm).
const std::vector<std::string>& model_statements() {
  static const std::vector<std::string> kStatements = {
      // Every integer type, synonyms, display widths, defaults of every kind.
      "CREATE TABLE t_ints (id INT PRIMARY KEY, a TINYINT, b TINYINT UNSIGNED, c SMALLINT(4) "
      "ZEROFILL, d MEDIUMINT UNSIGNED NOT NULL DEFAULT 7, e INTEGER DEFAULT '-3', f BIGINT "
      "UNSIGNED, g INT1, h INT8 DEFAULT 0x10, i BOOL DEFAULT TRUE, j BOOLEAN NOT NULL DEFAULT 0, "
      "k SERIAL, l YEAR DEFAULT 2024, m BIT, n BIT(12) DEFAULT b'1010', o INT DEFAULT (42), "
      "p2 MIDDLEINT DEFAULT -0, q2 INT(3) UNSIGNED ZEROFILL DEFAULT '0012')",
      "CREATE TABLE t_nums (a DECIMAL, b DECIMAL(15,2) DEFAULT 1.005, c DEC(7) DEFAULT '3', "
      "d NUMERIC(6,3) UNSIGNED, e FIXED(4,1) DEFAULT -2.25, f FLOAT DEFAULT 1.5, g FLOAT(10) "
      "DEFAULT '2.25', h FLOAT(30), i FLOAT(7,2) DEFAULT 3, j DOUBLE DEFAULT 1e3, k DOUBLE "
      "PRECISION, l REAL DEFAULT 0.1, m DOUBLE(10,4) ZEROFILL, n FLOAT4, o FLOAT8 DEFAULT -0.5, "
      "p DECIMAL(65,30) DEFAULT 12345.678, q DECIMAL(5,0) DEFAULT 2.5)",
      // Character types: charsets from the column, its collation, the table, shorthands.
      R"(CREATE TABLE `t_str` (`id` BIGINT NOT NULL AUTO_INCREMENT, c CHAR DEFAULT 'x ', )"
      R"(vc VARCHAR(20) DEFAULT 'it''s', vc2 VARCHAR(10) CHARACTER SET utf8mb4 COLLATE )"
      R"(utf8mb4_bin, vc3 VARCHAR(10) COLLATE utf8mb4_unicode_ci, nc NCHAR(3), nv NVARCHAR(5), )"
      R"(nv2 NATIONAL VARCHAR(6), nv3 NATIONAL CHARACTER VARYING(7), cv CHARACTER VARYING(8) )"
      R"(DEFAULT "dq", ch CHARACTER(2), t TEXT, tt TINYTEXT, mt MEDIUMTEXT, lt LONGTEXT, )"
      R"(t100 TEXT(100), t300 TEXT(300) CHARSET utf8mb4, lg LONG, lv LONG VARCHAR, )"
      R"(asc1 VARCHAR(4) ASCII, uni VARCHAR(4) UNICODE, bin_attr VARCHAR(5) BINARY, )"
      R"(e ENUM('a','B','c''q') DEFAULT 'b', e2 ENUM('p','q') NOT NULL DEFAULT 'Q', )"
      R"(s SET('x','y','z') DEFAULT 'z,x', bn BINARY(4), vb VARBINARY(16), bl BLOB, tb TINYBLOB, )"
      R"(mb MEDIUMBLOB, lb LONGBLOB, b300 BLOB(300), lvb LONG VARBINARY, )"
      R"(cb CHAR(3) CHARACTER SET binary, cby CHAR(2) BYTE, )"
      R"(esc VARCHAR(20) DEFAULT 'a\nb\\c\td''e', utf VARCHAR(10) DEFAULT _utf8mb4'é', )"
      R"(hx VARCHAR(4) DEFAULT X'4142', cat VARCHAR(9) DEFAULT 'ab' 'cd', )"
      R"(PRIMARY KEY (id)) DEFAULT CHARSET=utf8mb3)",
      // Dates and times; the table's charset from its collation.
      "CREATE TABLE t_time (d DATE DEFAULT '2024-1-2', t TIME DEFAULT '10:00', t3 TIME(3) "
      "DEFAULT '1:02:03.4567', dt DATETIME DEFAULT '2024-02-29 13:45', dt6 DATETIME(6) DEFAULT "
      "CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), ts TIMESTAMP, ts2 TIMESTAMP NOT NULL "
      "DEFAULT CURRENT_TIMESTAMP, ts3 TIMESTAMP(3) NULL DEFAULT NULL, dn DATETIME DEFAULT NOW(), "
      "y YEAR(4), z DATETIME DEFAULT '0000-00-00 00:00:00', dnum DATE DEFAULT 20240301, "
      "lt DATETIME(2) DEFAULT LOCALTIMESTAMP(2), tm TIME DEFAULT 103000) COLLATE latin1_bin",
      // JSON, spatial, MariaDB types, generated and invisible columns, keys of every kind.
      "CREATE TABLE t_misc (id INT, j JSON, g GEOMETRY, p POINT NOT NULL, ls LINESTRING, "
      "pg POLYGON, mp MULTIPOINT, mls MULTILINESTRING, mpg MULTIPOLYGON, gc GEOMETRYCOLLECTION, "
      "u UUID, i6 INET6, i4 INET4, gv INT AS (id + 1) VIRTUAL, gs INT GENERATED ALWAYS AS "
      "(id * 2) STORED, inv INT INVISIBLE DEFAULT 3, cm VARCHAR(3) COMMENT 'c', ck INT CHECK "
      "(ck > 0), ex VARCHAR(10) DEFAULT (concat('a','b')), lj LONGTEXT CHECK (json_valid(lj)), "
      "CONSTRAINT pk_misc PRIMARY KEY USING BTREE (id DESC), KEY k1 (cm(2)), UNIQUE KEY (u), "
      "CONSTRAINT c1 CHECK (id >= 0), SPATIAL INDEX (p)) ENGINE=InnoDB COMMENT='misc' "
      "ROW_FORMAT=DYNAMIC",
      // Composite keys with prefixes; executable comments; comments of every kind.
      "CREATE TABLE t_pk2 (a VARCHAR(10), b INT, c INT DEFAULT 5, PRIMARY KEY (b, a(5))) "
      "/*!40100 DEFAULT CHARSET=utf8mb4 */",
      "/* a comment */ CREATE TABLE t_exec (a INT /*!50100 NOT NULL */, -- a line comment\n"
      "b INT /*M!100100 DEFAULT 5 */, # another\n c VARCHAR(3) /*!99999 CHARSET latin1 */"
      ") /*!50100 COMMENT='x' */",
      "CREATE TABLE IF NOT EXISTS t_pk2 (x INT)",
      "CREATE TABLE t_like LIKE t_str",
      "CREATE TABLE ddlm.t_like2 (LIKE ddlm.t_time)",
      "CREATE TABLE t_ai (id INT AUTO_INCREMENT UNIQUE, v INT, k INT KEY)",
      // ALTER TABLE: columns added, placed, dropped, redefined, renamed, defaults.
      "ALTER TABLE t_ints ADD COLUMN p INT NOT NULL DEFAULT 1 FIRST",
      "ALTER TABLE t_ints ADD q VARCHAR(5) AFTER a, ADD r TEXT",
      "ALTER TABLE t_ints ADD COLUMN (s1 INT, s2 CHAR(2) DEFAULT 'ab')",
      "ALTER TABLE t_ints ADD COLUMN IF NOT EXISTS q INT",
      "ALTER TABLE t_ints DROP COLUMN s1, DROP IF EXISTS nothere, DROP s2",
      "ALTER TABLE t_ints MODIFY b SMALLINT UNSIGNED NOT NULL DEFAULT 3 AFTER q",
      "ALTER TABLE t_ints MODIFY COLUMN p BIGINT FIRST",
      "ALTER TABLE t_ints CHANGE c cc DECIMAL(8,3) DEFAULT 1 FIRST",
      "ALTER TABLE t_ints CHANGE COLUMN id id2 INT",
      "ALTER TABLE t_ints RENAME COLUMN d TO dd, RENAME COLUMN e TO ee",
      "ALTER TABLE t_ints ALTER COLUMN dd SET DEFAULT 99, ALTER ee DROP DEFAULT",
      "ALTER TABLE t_ints ALTER r SET DEFAULT 'x', ALTER COLUMN a SET DEFAULT -5",
      "ALTER TABLE t_ints DROP PRIMARY KEY",
      "ALTER TABLE t_ints ADD CONSTRAINT pk2 PRIMARY KEY (q, a)",
      "ALTER TABLE t_ints ADD INDEX idx_b (b), ADD UNIQUE KEY uq (dd), ALGORITHM=INPLACE, "
      "LOCK=NONE",
      "ALTER TABLE t_ints RENAME INDEX idx_b TO idx_b2, DROP KEY uq",
      "ALTER TABLE t_ints DROP INDEX idx_b2",
      "ALTER TABLE t_ints ENGINE=InnoDB, COMMENT='x', AUTO_INCREMENT=100, ROW_FORMAT=COMPACT",
      "ALTER TABLE t_ints FORCE",
      "ALTER TABLE t_ints MODIFY q VARCHAR(5) NULL",
      // Charsets: CONVERT TO (TEXT grows), the table's default, new columns take it.
      "ALTER TABLE t_str CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
      "ALTER TABLE t_str DEFAULT CHARACTER SET latin1, ADD COLUMN z1 VARCHAR(3)",
      "ALTER TABLE t_str ADD z2 TEXT(200), CHARACTER SET = utf8mb3",
      "ALTER TABLE t_str COLLATE latin1_general_ci",
      "ALTER TABLE t_like CONVERT TO CHARSET latin1",
      "ALTER TABLE t_time CONVERT TO CHARACTER SET utf8mb4",
      "ALTER ONLINE TABLE t_time ADD COLUMN on1 INT DEFAULT 4",
      "ALTER IGNORE TABLE t_time MODIFY IF EXISTS ts TIMESTAMP(6) NULL DEFAULT "
      "'2020-01-01 00:00:00.123456', MODIFY IF EXISTS nope INT",
      "ALTER TABLE IF EXISTS t_time CHANGE IF EXISTS y yy YEAR NOT NULL DEFAULT 1999 AFTER d",
      "ALTER TABLE t_misc ADD FULLTEXT INDEX ft (cm), ADD CONSTRAINT c2 CHECK (id < 100)",
      "ALTER TABLE t_misc DROP CONSTRAINT c2, DROP CONSTRAINT c1",
      "ALTER TABLE t_misc ADD COLUMN j2 JSON DEFAULT '[]' AFTER j, MODIFY lj LONGTEXT",
      // More defaults, names, keys and charsets.
      "CREATE TABLE `we``ird` (`CamelCase` INT, `sp ace` VARCHAR(3) COLLATE latin1_bin, "
      "f2 FLOAT DEFAULT 1.1, d2 DOUBLE DEFAULT 123456789012345678, d3 DOUBLE DEFAULT 0.000001, "
      "d4 DOUBLE DEFAULT 1e-15, d5 DOUBLE DEFAULT -1e-16, d6 DOUBLE DEFAULT 1.5e15, d7 FLOAT "
      "DEFAULT 3.4e38, d8 DOUBLE DEFAULT 1e14, "
      "dm DECIMAL(5,1) DEFAULT -0.04, dn DECIMAL(6,2) DEFAULT '-12.345', b5 BIT(4) DEFAULT 5, "
      "tx TEXT DEFAULT 'long\r\\text', js JSON DEFAULT '{\"a\": 1}', u UUID DEFAULT "
      "'123e4567-e89b-12d3-a456-426614174000', i4 INET4 DEFAULT '10.0.0.1', "
      "PRIMARY KEY (camelcase)) CHARACTER SET = utf8mb4 COLLATE = utf8mb4_unicode_ci",
      "ALTER TABLE `we``ird` ADD COLUMN c1 INT FIRST, ADD COLUMN c2 INT AFTER c1, "
      "ADD (c3 VARCHAR(2), INDEX (c3))",
      "ALTER TABLE `ddlm`.`we``ird` CHANGE `sp ace` `sp ace2` VARCHAR(5) CHARACTER SET ascii "
      "AFTER c2",
      "ALTER TABLE `we``ird` MODIFY `CamelCase` BIGINT UNSIGNED",
      "ALTER TABLE `we``ird` DROP COLUMN camelcase",
      "ALTER TABLE `we``ird` ADD COLUMN nk INT PRIMARY KEY AUTO_INCREMENT FIRST",
      "CREATE TABLE t_pk3 (a INT, b VARCHAR(4), c DATE, PRIMARY KEY (a, b, c))",
      "ALTER TABLE t_pk3 CHANGE b bb VARCHAR(8), RENAME COLUMN c TO cc",
      "ALTER TABLE t_pk3 DROP PRIMARY KEY, ADD PRIMARY KEY (cc)",
      "CREATE TABLE t_opts (a VARCHAR(2)) ENGINE InnoDB AUTO_INCREMENT 5 CHARSET latin1 "
      "COLLATE latin1_bin, PACK_KEYS=1 STATS_PERSISTENT 0",
      "CREATE TABLE t_opts2 (a VARCHAR(2), b VARCHAR(2) CHARSET utf8) COLLATE utf8mb3_bin "
      "CHARSET utf8mb3",
      // Renames of tables.
      "ALTER TABLE t_misc RENAME TO t_misc2",
      "ALTER TABLE t_misc2 RENAME AS ddlm.t_misc3, ADD COLUMN z INT",
      "RENAME TABLE t_like TO t_like_r, t_like2 TO t_like2_r",
      "RENAME TABLE t_like_r TO tmp_x, t_pk2 TO t_like_r, tmp_x TO t_pk2",
      // Partitions, indexes, DML: no column changes.
      "CREATE TABLE t_part (id INT NOT NULL, v VARCHAR(5), PRIMARY KEY (id)) PARTITION BY "
      "HASH(id) PARTITIONS 4",
      "ALTER TABLE t_part COALESCE PARTITION 2",
      "ALTER TABLE t_part ADD COLUMN w INT, ALGORITHM=COPY",
      "ALTER TABLE t_part REMOVE PARTITIONING",
      "CREATE INDEX ix ON t_part (v)",
      "DROP INDEX ix ON t_part",
      "INSERT INTO t_part (id, v) VALUES (1, 'a')",
      "TRUNCATE TABLE t_part",
      "CREATE OR REPLACE TABLE t_part (a INT, b VARCHAR(2)) CHARSET ascii",
      "CREATE TEMPORARY TABLE t_tmp (a INT)",
      "DROP TEMPORARY TABLE t_tmp",
      "CREATE VIEW v_part AS SELECT a FROM t_part",
      // Databases: created, altered, dropped; tables moving between them.
      "CREATE DATABASE ddlm2 COLLATE utf8mb3_unicode_ci",
      "CREATE TABLE ddlm2.u1 (a VARCHAR(3), b TEXT)",
      "RENAME TABLE ddlm.t_pk2 TO ddlm2.moved",
      "ALTER DATABASE ddlm2 CHARACTER SET latin1",
      "CREATE TABLE ddlm2.u2 (a CHAR(2))",
      "ALTER TABLE ddlm2.u2 RENAME ddlm.u2_back",
      "CREATE SCHEMA IF NOT EXISTS ddlm3",
      "CREATE TABLE ddlm3.x (a INT)",
      "DROP SCHEMA ddlm3",
      "ALTER SCHEMA ddlm DEFAULT CHARACTER SET = utf8mb4",
      "CREATE TABLE t_after (a VARCHAR(2))",
      "DROP TABLE IF EXISTS t_like2_r, nothere",
      "DROP TABLE ddlm2.u1",
      "DROP DATABASE ddlm2",
  };
  return kStatements;
}

// Runs `sql` on the server and applies it to the model (reloading what it did not
// understand, as the source does); the statement must be understood unless `understood`.
void model_step(my::Connection& conn, my::SchemaModel& model, const std::string& sql,
                bool understood = true) {
  auto r = conn.exec(sql);
  BOOST_REQUIRE_MESSAGE(r.ok(), sql << ": " << (r.ok() ? "" : r.err().message));
  const my::DdlApplied applied = my::apply_ddl(model, sql, "ddlm");
  BOOST_CHECK_MESSAGE(applied.understood == understood, "understood? " << sql);
  for (const auto& [db, table] : applied.unknown) {
    auto t = my::load_table_model(conn, db, table);
    BOOST_REQUIRE(t.ok());
    if (t->has_value()) {
      model.put(db, table, std::move(**t));
    } else {
      model.erase(db, table);
    }
  }
  if (compare_model(conn, model, sql)) return;
  for (const auto& db : kModelDatabases) {  // in step again, so that one miss is one report
    if (model.has_database(db)) BOOST_REQUIRE(my::load_database_model(conn, db, model).ok());
  }
}

}  // namespace ddl_model_server_helpers

using namespace ddl_model_server_helpers;

BOOST_AUTO_TEST_SUITE(ddl_model_server)

BOOST_AUTO_TEST_CASE(model_follows_every_statement) {
  server().exec(
      "DROP DATABASE IF EXISTS ddlm; DROP DATABASE IF EXISTS ddlm2; DROP DATABASE IF EXISTS "
      "ddlm3; CREATE DATABASE ddlm CHARACTER SET latin1");
  auto cfg = make_cfg("ddlm", {});
  cfg.conn.database = "ddlm";
  my::Connection conn;
  BOOST_REQUIRE(conn.connect(cfg.conn).ok());
  my::SchemaModel model;
  BOOST_REQUIRE(my::load_database_model(conn, "ddlm", model).ok());
  BOOST_CHECK_EQUAL(model.server_charset(), "utf8mb4");
  compare_model(conn, model, "load");
  const std::vector<std::string>& statements = model_statements();
  for (const auto& s : statements) model_step(conn, model, s);
  // Not understood: the caller reloads the table from information_schema.
  model_step(conn, model, "CREATE TABLE t_sel AS SELECT 1 AS a, 'x' AS b", false);
  model_step(conn, model, "CREATE TABLE t_sel2 (k INT PRIMARY KEY) SELECT 2 AS k", false);
  // Tables leaving for and coming from a database the model does not track.
  server().exec("DROP DATABASE IF EXISTS ddlm_out; CREATE DATABASE ddlm_out");
  model_step(conn, model, "CREATE TABLE ddlm_out.o (a INT)");
  model_step(conn, model, "CREATE TABLE ddlm_out.o2 (a INT, b TEXT)");
  model_step(conn, model, "RENAME TABLE t_after TO ddlm_out.t_after");
  model_step(conn, model, "RENAME TABLE ddlm_out.t_after TO t_back", false);
  model_step(conn, model, "ALTER TABLE ddlm_out.o RENAME ddlm.o_in", false);
  model_step(conn, model, "CREATE TABLE t_like_out LIKE ddlm_out.o2", false);
  server().exec("DROP DATABASE ddlm_out");
  BOOST_TEST_MESSAGE(statements.size() + 8 << " statements compared");
  // The model survives its encoding.
  auto back = my::SchemaModel::decode(model.encode());
  BOOST_REQUIRE(back.ok());
  compare_model(conn, *back, "decode");
  server().exec("DROP DATABASE IF EXISTS ddlm; DROP DATABASE IF EXISTS ddlm2");
}

BOOST_AUTO_TEST_SUITE_END()
