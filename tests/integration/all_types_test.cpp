// issue 15: every column type and modifier MariaDB has (tests/integration/sql/all_types_*.sql:
// every integer width signed/unsigned/ZEROFILL, BIT(1..64), DECIMAL up to (65,30), FLOAT(p),
// DOUBLE, YEAR, DATE/TIME/DATETIME/TIMESTAMP with fsp 0-6 and zero dates, text in utf8mb4,
// utf8mb3, latin1 and binary collations, BINARY/VARBINARY/BLOBs, ENUM/SET with ALTERed
// members, JSON, GEOMETRY with SRID, generated and INVISIBLE columns, SERIAL, a keyless table,
// composite and non-integer keys) replicated by `sluice run` into PostgreSQL: once by the
// snapshot (tables s_*), once through the binlog (tables b_*, created while the pipeline
// runs), then changed while streaming. Every cell is compared with MariaDB's own value: each
// MariaDB value is rendered as text (hex for bytes) and parsed by PostgreSQL into the ODS
// column's type, and the two tables must be equal as multisets of rows (EXCEPT ALL).
#include <boost/test/unit_test.hpp>

#include "integration/ods_support.h"

using namespace sluice::test;
using namespace sluice::test::ods;

namespace {

const std::vector<std::string> kTables = {"ints",  "bits",     "nums",    "temporal", "temporal2",
                                          "texts", "binaries", "enums",   "docs",     "geo",
                                          "gen",   "serials",  "keyless", "composite"};

std::string with_prefix(std::string sql, const std::string& p) {
  for (size_t at = sql.find("{p}"); at != std::string::npos; at = sql.find("{p}", at)) {
    sql.replace(at, 3, p);
  }
  return sql;
}

std::string at_sql(const std::string& name, const std::string& prefix) {
  return with_prefix(read_file(source_dir() + "/tests/integration/sql/" + name), prefix);
}

struct Col {
  std::string name, data_type;
};

std::vector<Col> my_columns(const std::string& table) {
  std::vector<Col> out;
  for (auto& r : mysql().query("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
                               "WHERE TABLE_SCHEMA = 'types' AND TABLE_NAME = '" +
                               table + "' ORDER BY ORDINAL_POSITION")) {
    out.push_back({*r[0], *r[1]});
  }
  return out;
}

bool is_bytes(const std::string& t) {
  return t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
         t == "longblob";
}

bool is_geometry(const std::string& t) {
  return t == "geometry" || t == "point" || t == "linestring" || t == "polygon" ||
         t == "multipoint" || t == "multilinestring" || t == "multipolygon" ||
         t == "geometrycollection";
}

// MariaDB's value of a column as text PostgreSQL parses into the ODS column's type (hex for
// bytes). The documented mappings: zero dates are NULL, BIT is its number, SET a text[],
// YEAR its number, a geometry its WKB, as EWKB (SRID after the type, flag 0x20000000) when it
// has an SRID.
std::string my_expr(const Col& c) {
  const std::string q = "`" + c.name + "`";
  const std::string& t = c.data_type;
  if (t == "bit") return "CAST(" + q + " AS UNSIGNED)";
  if (is_bytes(t)) return "HEX(" + q + ")";
  if (is_geometry(t)) {
    const std::string h = "HEX(ST_AsBinary(" + q + "))";
    return "IF(ST_SRID(" + q + ") = 0, " + h + ", CONCAT(SUBSTR(" + h + ", 1, 8), '20', " +
           "HEX(REVERSE(UNHEX(LPAD(HEX(ST_SRID(" + q + ")), 8, '0')))), SUBSTR(" + h + ", 11)))";
  }
  if (t == "date" || t == "datetime" || t == "timestamp") {
    return "IF(CAST(" + q + " AS CHAR) LIKE '0000-00-00%', NULL, CAST(" + q + " AS CHAR))";
  }
  if (t == "set") return "CONCAT('{', " + q + ", '}')";
  if (t == "year") return q + " + 0";
  return "CAST(" + q + " AS CHAR)";
}

std::string literal(const std::optional<std::string>& v, const Col& c) {
  if (!v) return "NULL";
  if (is_bytes(c.data_type) || is_geometry(c.data_type)) return "decode('" + *v + "', 'hex')";
  return "$sluice$" + *v + "$sluice$";
}

// "" when ods.TABLE holds exactly MariaDB's rows of types.TABLE, else what differs.
std::string compare(const std::string& pgdb, const std::string& table) {
  auto cols = my_columns(table);
  if (cols.empty()) return table + ": not in MariaDB";
  std::string sel, names;
  for (const auto& c : cols) {
    sel += (sel.empty() ? "" : ", ") + my_expr(c);
    names += (names.empty() ? "" : ", ") + ("\"" + c.name + "\"");
  }
  auto conn = mysql().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
  auto rows = MariaDbServer::query(conn.get(), "SELECT " + sel + " FROM types." + table);
  if (pg_value(pgdb, "SELECT to_regclass('ods." + table + "') IS NOT NULL") != "t") {
    return table + ": not in the ODS yet";
  }
  std::string sql =
      "SET TimeZone = 'UTC'; CREATE SCHEMA IF NOT EXISTS cmp; DROP TABLE IF EXISTS "
      "cmp." +
      table + "; CREATE TABLE cmp." + table + " AS SELECT " + names + " FROM ods." + table +
      " WHERE false;";
  if (!rows.empty()) {
    sql += "INSERT INTO cmp." + table + " (" + names + ") VALUES ";
    for (size_t i = 0; i < rows.size(); ++i) {
      sql += i > 0 ? ", (" : "(";
      for (size_t j = 0; j < cols.size(); ++j)
        sql += (j > 0 ? ", " : "") + literal(rows[i][j], cols[j]);
      sql += ")";
    }
    sql += ";";
  }
  sql += "SELECT 'ods only: ' || string_agg(x::text, ' ') FROM (SELECT " + names + " FROM ods." +
         table + " EXCEPT ALL SELECT " + names + " FROM cmp." + table +
         ") x HAVING count(*) > 0 "
         "UNION ALL SELECT 'mariadb only: ' || string_agg(x::text, ' ') FROM (SELECT " +
         names + " FROM cmp." + table + " EXCEPT ALL SELECT " + names + " FROM ods." + table +
         ") x HAVING count(*) > 0;";
  std::string out = pg_value(pgdb, sql);
  // psql prints the command tags of the statements before the last one.
  std::string diff;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("ods only", 0) == 0 || l.rfind("mariadb only", 0) == 0) diff += " " + l;
  }
  return diff.empty() ? "" : table + ":" + diff;
}

std::string wait_all_equal(const std::string& pgdb, const std::string& prefix,
                           std::chrono::seconds timeout = std::chrono::seconds(90)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string d;
  while (std::chrono::steady_clock::now() < deadline) {
    d.clear();
    for (const auto& t : kTables) {
      d = compare(pgdb, prefix + t);
      if (!d.empty()) break;
    }
    if (d.empty()) return d;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return d;
}

// Changes of every kind on the tables with `prefix`, while streaming.
std::string changes(const std::string& p) {
  return with_prefix(R"(
UPDATE {p}ints SET ti = 0, biu = 1 WHERE id = 1;
UPDATE {p}bits SET b64 = b'1000000000000000000000000000000000000000000000000000000000000001' WHERE id = 1;
UPDATE {p}nums SET dw = -dw, dn = dn - 1, d = d + 1 WHERE id = 1;
UPDATE {p}temporal SET dt6 = '2000-01-01 00:00:00.000001', t3 = '-00:00:00.001' WHERE id = 2;
UPDATE {p}texts SET vc = CONCAT(vc, ' ✓'), l1 = 'Ærø' WHERE id = 'a';
DELETE FROM {p}binaries WHERE id = 2;
ALTER TABLE {p}enums MODIFY e ENUM('small','medium','large','x-large'), MODIFY s SET('a','b','c','d','e');
INSERT INTO {p}enums VALUES (5, 'x-large', 'e,a');
UPDATE {p}enums SET e = 'x-large', s = 'b,e' WHERE id = 1;
UPDATE {p}docs SET j = JSON_SET(j, '$.a', 2) WHERE id = 1;
UPDATE {p}geo SET p = ST_GeomFromText('POINT(0 0)'), ps = ST_GeomFromText('POINT(8 46)', 4326) WHERE id = 1;
UPDATE {p}gen SET a = a + 1 WHERE id = 1;
INSERT INTO {p}serials (v) VALUES ('three');
DELETE FROM {p}keyless WHERE a = 1 LIMIT 1;
UPDATE {p}keyless SET b = 'z' WHERE a = 2;
UPDATE {p}keyless SET d = 9.999 WHERE a IS NULL;
INSERT INTO {p}keyless VALUES (2, 'z', -0.001);
UPDATE {p}composite SET day = '2024-02-01' WHERE region = 'DE';
)",
                     p);
}

const char* kPipe = R"(pipeline all_types {
  settings { state_dir = "var/all_types" }
  source mysql src {
    host = env("MYSQL_HOST")  port = to_int(env("MYSQL_PORT"))  user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD")  server_id = 7601  database = "types"
  }
  sink postgres ods from src {
    url = env("ODS_URL")  table = "ods." + @table  mode = upsert  create_tables = true
    batch { rows = 1000  delay = 50ms }
    dead_letter = dlq
  }
  sink file dlq { path = "var/all_types/dlq.jsonl" }
}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(all_types)

BOOST_AUTO_TEST_CASE(every_type_by_snapshot_and_by_binlog_equals_mariadb) {
  my_exec("DROP DATABASE IF EXISTS types; CREATE DATABASE types CHARACTER SET utf8mb4");
  my_exec("USE types;\n" + at_sql("all_types_schema.sql", "s_"));
  my_exec("USE types;\n" + at_sql("all_types_data.sql", "s_"));
  Run run(fresh_pg_db("all_types"), kPipe);
  run.start();
  std::string d = wait_all_equal(run.pgdb, "s_");
  run.require_alive();
  BOOST_REQUIRE_MESSAGE(d.empty(), "after the snapshot: " << d << run.log_tail());

  // The same tables created while the pipeline runs: every value through the binlog.
  my_exec("USE types;\n" + at_sql("all_types_schema.sql", "b_"));
  my_exec("USE types;\n" + at_sql("all_types_data.sql", "b_"));
  d = wait_all_equal(run.pgdb, "b_");
  run.require_alive();
  BOOST_REQUIRE_MESSAGE(d.empty(), "through the binlog: " << d << run.log_tail());

  // Updates, deletes, key changes, ALTERed ENUM/SET members, keyless rows: on both.
  my_exec("USE types;\n" + changes("s_") + changes("b_"));
  d = wait_all_equal(run.pgdb, "s_");
  if (d.empty()) d = wait_all_equal(run.pgdb, "b_");
  run.require_alive();
  BOOST_REQUIRE_MESSAGE(d.empty(), "after changes: " << d << run.log_tail());
  // Tables created without a primary key where the source has none; exact types elsewhere.
  BOOST_TEST(pg_value(run.pgdb,
                      "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND "
                      "conrelid = 'ods.b_keyless'::regclass") == "0");
  BOOST_TEST(pg_value(run.pgdb,
                      "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                      "WHERE attrelid = 'ods.b_nums'::regclass AND attname = 'dw'") ==
             "numeric(65,30)");
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0, r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0));
  BOOST_TEST(read_file(run.dir.file("var/all_types/dlq.jsonl")).empty());
  // The comparison sees a difference in any one cell.
  pg_value(run.pgdb, "UPDATE ods.s_geo SET ps = decode('0101000000', 'hex') WHERE id = 1");
  BOOST_TEST(compare(run.pgdb, "s_geo").find("ods only") != std::string::npos);
  pg_value(run.pgdb, "UPDATE ods.b_temporal2 SET t5 = '-838:59:58.9999' WHERE id = 1");
  BOOST_TEST(compare(run.pgdb, "b_temporal2").find("mariadb only") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
