// Every column type decoded from the binlog (and read by the snapshot) equals what SELECT
// returns through the server, in both binlog_row_metadata modes.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <random>

#include "base/json.h"
#include "base/temporal.h"
#include "tests/unit/mysql/binlog_seeds.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

struct Col {
  const char* name;
  const char* select;  // expression to SELECT for comparison
  const char* kind;    // how to compare
};

const std::vector<Col> kCols = {
    {"ti", "ti", "int"},
    {"tiu", "tiu", "int"},
    {"si", "si", "int"},
    {"siu", "siu", "int"},
    {"mi", "mi", "int"},
    {"miu", "miu", "int"},
    {"i", "i", "int"},
    {"iu", "iu", "int"},
    {"bi", "bi", "int"},
    {"biu", "biu", "uint"},
    {"d1", "d1", "decimal"},
    {"d2", "d2", "decimal"},
    {"d3", "d3", "decimal"},
    {"f", "f", "float"},
    {"dbl", "dbl", "double"},
    {"b", "b+0", "uint"},
    {"b64", "b64+0", "uint"},
    {"c", "c", "string"},
    {"vc", "vc", "string"},
    {"tx", "tx", "string"},
    {"cl", "cl", "string"},
    {"vl", "vl", "string"},
    {"tl", "tl", "string"},
    {"bn", "bn", "bytes"},
    {"vb", "vb", "bytes"},
    {"bl", "bl", "bytes"},
    {"e", "e", "string"},
    {"st", "st", "set"},
    {"dt", "dt", "date"},
    {"tm", "tm", "string"},
    {"tm6", "tm6", "string"},
    {"tm2", "tm2", "string"},
    {"dtm", "dtm", "datetime"},
    {"dtm3", "dtm3", "datetime"},
    {"dtm6", "dtm6", "datetime"},
    {"ts", "ts", "timestamp"},
    {"yr", "yr", "int"},
    {"js", "js", "json"},
    {"g", "ST_AsBinary(g)", "bytes"},
    {"n", "n", "int"},
};

const char* kCreate =
    "CREATE TABLE t_all (id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, "
    "siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi "
    "BIGINT, biu BIGINT UNSIGNED, d1 DECIMAL(10,2), d2 DECIMAL(65,30), d3 DECIMAL(38,10), f "
    "FLOAT, dbl DOUBLE, b BIT(13), b64 BIT(64), c CHAR(10), vc VARCHAR(300), tx TEXT, cl "
    "CHAR(5) CHARACTER SET latin1, vl VARCHAR(20) CHARACTER SET latin1, tl TEXT CHARACTER SET "
    "latin1, bn BINARY(4), vb VARBINARY(10), bl BLOB, e ENUM('small','medium','large'), st "
    "SET('a','b','c','d'), dt DATE, tm TIME, tm6 TIME(6), tm2 TIME(2), dtm DATETIME, dtm3 "
    "DATETIME(3), dtm6 DATETIME(6), ts TIMESTAMP(6) NULL, yr YEAR, js JSON, g GEOMETRY, n INT "
    "NULL) DEFAULT CHARSET utf8mb4";

const char* kRows[] = {
    "(1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, "
    "-9223372036854775808, 18446744073709551615, -12345678.91, "
    "'-12345678.123456789012345678901234567890', '1234567890123456789012345678.0123456789', "
    "3.14159, 2.718281828459045, b'1010101010101', "
    "b'1111111111111111111111111111111111111111111111111111111111111111', "
    "'abc', 'emoji 😀 ok', 'long text ✓', 'àéîõü', 'Ça été', 'naïve façade', 'ab', x'00ff10', "
    "x'deadbeef00', 'medium', 'a,c,d', '2024-02-29', '-838:59:59', '-12:34:56.500001', "
    "'-00:00:01.50', '2024-02-29 13:45:59', '1999-12-31 23:59:59.123', "
    "'2038-01-19 03:14:08.999999', '2024-02-29 13:45:59.123456', 2155, "
    "'{\"a\": [1, 2.50, {\"b\": null}], \"s\": \"x\", \"t\": true, \"n\": -3}', "
    "ST_GeomFromText('POINT(1 2)'), NULL)",
    "(2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, 0.01, "
    "'123456789012345678901234567890.5', '-0.0000000001', -0.5, -1e-300, b'0', b'0', '', '', "
    "'', '', '', '', '', '', '', 'large', '', '0000-00-00', '838:59:59', '00:00:00.000001', "
    "'00:00:00', '0000-00-00 00:00:00', '1000-01-01 00:00:00.000', '9999-12-31 23:59:59.999999', "
    "'1970-01-01 00:00:01', 1901, '[]', ST_GeomFromText('LINESTRING(0 0, 1 1)'), 7)",
    "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
};

std::string datetime_text(int64_t micros, int fsp) {
  int64_t days =
      micros >= 0 ? micros / 86400000000LL : -((-micros + 86400000000LL - 1) / 86400000000LL);
  int64_t rest = micros - days * 86400000000LL;
  auto c = temporal::civil_from_days(static_cast<int32_t>(days));
  char b[64];
  std::snprintf(b, sizeof(b), "%04d-%02u-%02u %02lld:%02lld:%02lld", c.year, c.month, c.day,
                static_cast<long long>(rest / 3600000000LL),
                static_cast<long long>(rest / 60000000 % 60),
                static_cast<long long>(rest / 1000000 % 60));
  std::string s = b;
  if (fsp > 0) {
    char f[8];
    std::snprintf(f, sizeof(f), "%06lld", static_cast<long long>(rest % 1000000));
    s += "." + std::string(f, static_cast<size_t>(fsp));
  }
  return s;
}

std::string strip_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

int fsp_of(const std::string& name) {
  if (name == "dtm3") return 3;
  if (name == "dtm6" || name == "ts") return 6;
  return 0;
}

// Compares one decoded value with the SELECT text; returns "" or a description of the mismatch.
std::string compare(const Col& c, const Value& v, const std::optional<std::string>& text) {
  std::string k = c.kind;
  if (!text) return v.is_null() ? "" : "expected NULL, got " + v.to_display();
  const std::string& t = *text;
  auto bad = [&](const std::string& got) {
    return std::string(c.name) + ": SELECT gives '" + t + "', decoded " + got;
  };
  if (k == "int") {
    if (v.type() != Type::Int || std::to_string(v.as_int()) != t) return bad(v.to_display());
  } else if (k == "uint") {
    if (v.type() != Type::UInt || std::to_string(v.as_uint()) != t) return bad(v.to_display());
  } else if (k == "decimal") {
    if (v.type() != Type::Decimal || strip_zeros(v.as_decimal().to_string()) != strip_zeros(t))
      return bad(v.type() == Type::Decimal ? v.as_decimal().to_string() : v.to_display());
  } else if (k == "float") {
    if (v.type() != Type::Float ||
        static_cast<float>(v.as_float()) != std::strtof(t.c_str(), nullptr))
      return bad(v.to_display());
  } else if (k == "double") {
    if (v.type() != Type::Float || v.as_float() != std::strtod(t.c_str(), nullptr))
      return bad(v.to_display());
  } else if (k == "string") {
    if (v.type() != Type::String || v.as_string() != t)
      return bad(v.type() == Type::String ? v.as_string() : v.to_display());
  } else if (k == "bytes") {
    if (v.type() != Type::Bytes || v.as_string() != t)
      return bad("bytes of size " +
                 std::to_string(v.type() == Type::Bytes ? v.as_string().size() : 0));
  } else if (k == "set") {
    if (v.type() != Type::List) return bad(v.to_display());
    std::string j;
    for (auto& x : v.as_list()) j += (j.empty() ? "" : ",") + x.as_string();
    if (j != t) return bad(j);
  } else if (k == "date") {
    if (t == "0000-00-00") return v.is_null() ? "" : bad(v.to_display());
    if (v.type() != Type::Date) return bad(v.to_display());
    auto cd = temporal::civil_from_days(v.as_date());
    char b[16];
    std::snprintf(b, sizeof(b), "%04d-%02u-%02u", cd.year, cd.month, cd.day);
    if (b != t) return bad(b);
  } else if (k == "datetime" || k == "timestamp") {
    if (t.rfind("0000-00-00", 0) == 0) return v.is_null() ? "" : bad(v.to_display());
    Type want = k == "datetime" ? Type::DateTime : Type::Timestamp;
    if (v.type() != want) return bad(v.to_display());
    std::string s = datetime_text(v.as_micros(), fsp_of(c.name));
    if (s != t) return bad(s);
  } else if (k == "json") {
    auto p = json::parse(t);
    if (!p.ok()) return "bad json from server";
    if (!(*p == v)) return bad(json::encode(v));
  }
  return "";
}

std::vector<std::vector<std::optional<std::string>>> select_all() {
  std::string sql = "SELECT id";
  for (auto& c : kCols) sql += std::string(", ") + c.select;
  sql += " FROM typesdb.t_all ORDER BY id";
  auto conn = server().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
  return MariaDbServer::query(conn.get(), sql);
}

void check_events(const std::vector<Event>& evs, Op op) {
  auto rows = select_all();
  BOOST_REQUIRE_EQUAL(evs.size(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const Event& e = evs[r];
    BOOST_CHECK(e.op == op);
    BOOST_REQUIRE(e.source);
    BOOST_CHECK_EQUAL(e.source->connector, "mysql");
    BOOST_CHECK_EQUAL(e.source->db, "typesdb");
    BOOST_CHECK_EQUAL(e.source->table, "t_all");
    BOOST_REQUIRE_EQUAL(e.source->primary_key.size(), 1u);
    BOOST_CHECK_EQUAL(e.source->primary_key[0], "id");
    BOOST_CHECK_EQUAL(field(e, "id").as_int(), std::stoll(*rows[r][0]));
    for (size_t i = 0; i < kCols.size(); ++i) {
      std::string m = compare(kCols[i], field(e, kCols[i].name), rows[r][i + 1]);
      BOOST_CHECK_MESSAGE(m.empty(), "row " << r + 1 << " " << m);
    }
  }
}

struct TypesFixture {
  TypesFixture() {
    server().exec("DROP DATABASE IF EXISTS typesdb; CREATE DATABASE typesdb");
    server().exec(std::string("USE typesdb; ") + kCreate);
  }
  void insert() {
    auto c = server().connect();
    MariaDbServer::exec(c.get(), "SET sql_mode = ''");
    MariaDbServer::exec(c.get(), "SET time_zone = '+00:00'");
    for (const char* r : kRows)
      MariaDbServer::exec(c.get(), std::string("INSERT INTO typesdb.t_all VALUES ") + r);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_types)

BOOST_FIXTURE_TEST_CASE(every_type_from_binlog_full_metadata, TypesFixture) {
  auto cfg = make_cfg("typesdb", {"t_all"});
  cfg.start = current_start();
  insert();
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto evs = poll_n(src, 3);
  check_events(evs, Op::Create);
  BOOST_REQUIRE(src.stream_stats());
  BOOST_CHECK_EQUAL(src.stream_stats()->zero_dates.load(), 2u);  // row 2: zero DATE and DATETIME
  src.close();
  binlog_seeds(server(), cfg.start.file);
}

BOOST_FIXTURE_TEST_CASE(every_type_from_binlog_minimal_metadata, TypesFixture) {
  server().exec("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
  auto cfg = make_cfg("typesdb", {"t_all"});
  cfg.start = current_start();
  insert();
  server().exec("SET GLOBAL binlog_row_metadata = 'FULL'");
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto evs = poll_n(src, 3);
  check_events(evs, Op::Create);
  src.close();
  binlog_seeds(server(), cfg.start.file);
}

BOOST_FIXTURE_TEST_CASE(every_type_from_snapshot, TypesFixture) {
  insert();
  auto cfg = make_cfg("typesdb", {"t_all"}, my::SnapshotMode::Only);
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto evs = poll_n(src, 3);
  check_events(evs, Op::Read);
  std::vector<Event> more;
  auto r = src.poll(10, more);
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK(*r == Source::Poll::End);
}

namespace {

// DECIMAL(65,30) values as SELECT shows them and as Decimal::to_string must give them.
const char* kWide[] = {
    "99999999999999999999999999999999999.999999999999999999999999999999",
    "-99999999999999999999999999999999999.999999999999999999999999999999",
    "12345678901234567890123456789012345.123456789000000000000000000000",
    "-0.000000000000000000000000000001",
    "0.000000000000000000000000000000",
};

void create_wide_table() {
  server().exec(
      "DROP DATABASE IF EXISTS bigdec; CREATE DATABASE bigdec; CREATE TABLE bigdec.t (id INT "
      "PRIMARY KEY, d DECIMAL(65,30))");
}

void insert_wide_rows() {
  for (size_t i = 0; i < std::size(kWide); ++i) {
    server().exec("INSERT INTO bigdec.t VALUES (" + std::to_string(i + 1) + ", '" + kWide[i] +
                  "')");
  }
}

void check_wide(const std::vector<Event>& evs) {
  BOOST_REQUIRE_EQUAL(evs.size(), std::size(kWide));
  auto rows = server().query("SELECT d FROM bigdec.t ORDER BY id");
  for (size_t i = 0; i < evs.size(); ++i) {
    const Value& v = field(evs[i], "d");
    BOOST_REQUIRE(v.type() == Type::Decimal);
    BOOST_CHECK_EQUAL(v.as_decimal().to_string(), kWide[i]);
    BOOST_CHECK_EQUAL(v.as_decimal().scale(), 30);
    BOOST_CHECK_EQUAL(*rows[i][0], kWide[i]);  // the server agrees, digit for digit
  }
  BOOST_CHECK(field(evs[0], "d").as_decimal().is_wide());
  BOOST_CHECK_EQUAL(field(evs[1], "d").as_decimal().precision(), 65);
  BOOST_CHECK(!field(evs[3], "d").as_decimal().is_wide());
}

}  // namespace

BOOST_AUTO_TEST_CASE(decimal_65_30_from_binlog_is_exact) {
  create_wide_table();
  auto cfg = make_cfg("bigdec", {});
  cfg.start = current_start();
  insert_wide_rows();
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  check_wide(poll_n(src, std::size(kWide)));
  src.close();
  binlog_seeds(server(), cfg.start.file);
}

BOOST_AUTO_TEST_CASE(decimal_65_30_from_snapshot_is_exact) {
  create_wide_table();
  insert_wide_rows();
  auto cfg = make_cfg("bigdec", {}, my::SnapshotMode::Only);
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  check_wide(poll_n(src, std::size(kWide)));
}

// A FLOAT read by the snapshot is the same number the binlog holds for it. The server's text of
// a FLOAT has 6 significant digits: read as it was, 16777216 came out of the snapshot as
// 16777200 and 1/3 as 0.333333, while the binlog gave 16777216 and 0.3333333432674408.
BOOST_AUTO_TEST_CASE(float_from_snapshot_equals_float_from_binlog) {
  server().exec(
      "DROP DATABASE IF EXISTS fl; CREATE DATABASE fl; "
      "CREATE TABLE fl.t (id INT PRIMARY KEY, f FLOAT, k FLOAT, UNIQUE KEY (k)); "
      "INSERT INTO fl.t VALUES (1, 1/3, 1), (2, 16777217, 2), (3, 3.4e38, 3), (4, -1.17549e-38, "
      "4), "
      "(5, 0.1, 5), (6, 1e-45, 6), (7, -123456.789, 7), (8, NULL, 8)");
  auto cfg = make_cfg("fl", {}, my::SnapshotMode::Initial);
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto snap = poll_n(src, 8);
  BOOST_REQUIRE_EQUAL(snap.size(), 8u);
  server().exec("UPDATE fl.t SET id = id + 100");  // the same floats, from the binlog
  auto upd = poll_n(src, 8);
  BOOST_REQUIRE_EQUAL(upd.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    BOOST_REQUIRE(upd[i].op == Op::Update);
    const int64_t id = field(upd[i], "id").as_int() - 100;
    const Event* s = nullptr;
    for (const auto& e : snap) {
      if (field(e, "id").as_int() == id) s = &e;
    }
    BOOST_REQUIRE(s != nullptr);
    const Value& a = field(*s, "f");
    const Value& b = field(upd[i], "f");
    BOOST_CHECK_MESSAGE(
        a.is_null() == b.is_null() && (a.is_null() || a.as_float() == b.as_float()),
        "row " << id << ": snapshot " << a.to_display() << ", binlog " << b.to_display());
  }
  BOOST_CHECK_EQUAL(field(snap[1], "f").as_float(), 16777216.0);
}

// MariaDB keeps JSON as text: a number in it may have no exact form here (1e400 is beyond a
// double, 80 digits beyond a decimal). It used to come out as null (1e400) or rounded; now the
// row is a dead letter that names the column and the number, from the snapshot (with the
// column's text) and from the binlog, and the other rows go on.
BOOST_AUTO_TEST_CASE(json_numbers_without_an_exact_form_are_dead_letters) {
  server().exec(
      "DROP DATABASE IF EXISTS jn; CREATE DATABASE jn; CREATE TABLE jn.t (id INT PRIMARY KEY, j "
      "JSON); INSERT INTO jn.t VALUES (1, '{\"a\": 1.5e300}'), (2, '{\"b\": 1e400}'), (3, "
      "'[12345678901234567890123.456]')");
  auto cfg = make_cfg("jn", {}, my::SnapshotMode::Initial);
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  auto snap = poll_n(src, 2);
  server().exec("INSERT INTO jn.t VALUES (4, '{\"c\": -1e-400}'), (5, '{\"d\": 7}')");
  auto streamed = poll_n(src, 1);
  std::vector<Event> dead;
  src.take_dead(dead);
  std::vector<std::string> got;
  for (const auto& e : snap) got.push_back(json::encode(field(e, "j")));
  for (const auto& e : streamed) got.push_back(json::encode(field(e, "j")));
  const std::vector<std::string> want = {"{\"a\":1.5e+300}", "[12345678901234567890123.456]",
                                         "{\"d\":7}"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  BOOST_REQUIRE_EQUAL(dead.size(), 2u);
  for (const auto& e : dead) {
    BOOST_REQUIRE(e.dead_letter);
    BOOST_CHECK_EQUAL(e.dead_letter->code.qualified(), "mysql.bad_json");
    BOOST_CHECK_MESSAGE(e.dead_letter->message.find("jn.t.j") != std::string::npos,
                        e.dead_letter->message);
    BOOST_CHECK_MESSAGE(e.dead_letter->message.find("has no exact form here") != std::string::npos,
                        e.dead_letter->message);
  }
  BOOST_CHECK(dead[0].op == Op::Read);
  BOOST_CHECK_EQUAL(field(dead[0], "id").as_int(), 2);
  BOOST_CHECK_EQUAL(field(dead[0], "j").as_string(), "{\"b\": 1e400}");  // the column's text
  BOOST_CHECK(dead[1].op == Op::Create);
  BOOST_CHECK_EQUAL(field(dead[1], "id").as_int(), 4);
  BOOST_CHECK_MESSAGE(dead[1].dead_letter->message.find("-1e-400") != std::string::npos,
                      dead[1].dead_letter->message);
}

// MariaDB's UUID, INET6 and INET4: the binlog holds their bytes, SELECT their text; streamed and
// snapshot rows both give SELECT's text (before, the stream gave bytes: a type that changed
// between snapshot and stream). INET6 addresses with zero groups everywhere, one and many.
BOOST_AUTO_TEST_CASE(uuid_inet6_inet4_stream_as_select_shows_them) {
  server().exec(
      "DROP DATABASE IF EXISTS pt; CREATE DATABASE pt; CREATE TABLE pt.t (id INT "
      "AUTO_INCREMENT PRIMARY KEY, u UUID, i6 INET6, i4 INET4)");
  auto cfg = make_cfg("pt", {});
  cfg.start = current_start();
  std::string sql =
      "INSERT INTO pt.t (u, i6, i4) VALUES ('6ccd780c-baba-1026-9564-5b8c656024db', '::', "
      "'0.0.0.0'), (UUID(), '::1', '255.255.255.255'), ('00000000-0000-0000-0000-000000000000', "
      "'::ffff:1.2.3.4', '1.2.3.4'), ('ffffffff-ffff-ffff-ffff-ffffffffffff', '::1.2.3.4', NULL), "
      "(NULL, '::0.0.0.2', NULL), (NULL, '::ffff:0:1', NULL), (NULL, '1:0:0:1:0:0:0:1', NULL), "
      "(NULL, '1:0:2:0:3:0:4:0', NULL), (NULL, 'fe80::abcd:0:0:1', NULL), (NULL, '::0.1.0.0', "
      "NULL), (NULL, '::ffff:0:0', NULL), (NULL, '::ffff', NULL)";
  std::mt19937 rng(42);
  for (int i = 0; i < 300; ++i) {  // groups zero with probability 1/2
    std::string a;
    for (int g = 0; g < 8; ++g) {
      char part[8];
      std::snprintf(part, sizeof(part), "%x",
                    rng() % 2 ? 0u : static_cast<unsigned>(rng() % 65536));
      a += (g ? ":" : "") + std::string(part);
    }
    sql += ", (UUID(), '" + a + "', '" + std::to_string(rng() % 256) + ".0.0." +
           std::to_string(rng() % 256) + "')";
  }
  server().exec(sql);
  constexpr size_t rows = 312;
  auto check = [&](const std::vector<Event>& evs) {
    BOOST_REQUIRE_EQUAL(evs.size(), rows);
    auto want = server().query("SELECT id, u, i6, i4 FROM pt.t ORDER BY id");
    for (size_t i = 0; i < rows; ++i) {
      const Event& e = evs[i];
      BOOST_REQUIRE_EQUAL(field(e, "id").to_display(), want[i].at(0).value_or(""));
      const char* names[] = {"u", "i6", "i4"};
      for (int c = 0; c < 3; ++c) {
        const Value& v = field(e, names[c]);
        const auto& w = want[i].at(static_cast<size_t>(c) + 1);
        BOOST_CHECK_MESSAGE(w ? v.type() == Type::String && v.as_string() == *w : v.is_null(),
                            names[c] << " of row " << i + 1 << ": " << v.to_display() << ", SELECT "
                                     << w.value_or("NULL"));
      }
    }
  };
  {
    my::MySqlSource src(cfg);
    auto o = src.open("");
    BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
    check(poll_n(src, rows));
  }
  my::MySqlSource snap(make_cfg("pt", {}, my::SnapshotMode::Only));
  BOOST_REQUIRE(snap.open("").ok());
  check(poll_n(snap, rows));
}

BOOST_AUTO_TEST_SUITE_END()
