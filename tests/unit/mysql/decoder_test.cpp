// Pure decoder tests: MySQL binary JSON (no MySQL 8 server here), DECIMAL binary, TIME2,
// latin1, DDL recognition, state encoding.
#include <boost/test/unit_test.hpp>
#include <utility>
#include <vector>

#include "operators/mysql/byte_reader.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/ddl_statement.h"
#include "operators/mysql/decimal_binary.h"
#include "operators/mysql/json_binary.h"
#include "operators/mysql/mysql_source.h"
#include "operators/mysql/temporal_decoder.h"
#include "support/fuzz_seed.h"

using namespace sluice;
namespace my = sluice::operators::mysql;

BOOST_AUTO_TEST_SUITE(mysql_decoder)

BOOST_AUTO_TEST_CASE(mysql_binary_json) {
  // {"a": 1, "bb": [true, "x"]} as MySQL writes it (small object, keys sorted by length).
  std::vector<uint8_t> b = {0x00,                    // small object
                            0x02, 0x00,              // count
                            0x00, 0x00,              // size (patched)
                            0x19, 0x00, 0x01, 0x00,  // key a at 25
                            0x1a, 0x00, 0x02, 0x00,  // key bb at 26
                            0x05, 0x01, 0x00,        // int16 inline 1
                            0x02, 0x1c, 0x00,        // small array at 28
                            'a', 'b', 'b',
                            // array at 28 (relative to object start = byte 1)
                            0x02, 0x00, 0x0c, 0x00,  // count 2, size 12
                            0x04, 0x01, 0x00,        // literal true
                            0x0c, 0x0a, 0x00,        // string at 10
                            0x01, 'x'};
  // Offsets are relative to the object start (after the type byte): header 4 + 2*4 + 2*3 = 18.
  b[17] = 0x15;  // array offset: 18 + 3 key bytes = 21
  b[5] = 0x12;   // key a at 18
  b[9] = 0x13;   // key bb at 19
  size_t obj_size = b.size() - 1;
  b[3] = static_cast<uint8_t>(obj_size);
  test::fuzz_seed("fuzz_mysql_json", b);
  auto v = my::decode_json_binary(b.data(), b.size());
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message));
  BOOST_REQUIRE(v->type() == Type::Object);
  const Value* a = v->as_object().find(intern("a"));
  BOOST_REQUIRE(a);
  BOOST_CHECK_EQUAL(a->as_int(), 1);
  const Value* bb = v->as_object().find(intern("bb"));
  BOOST_REQUIRE(bb && bb->type() == Type::List);
  BOOST_REQUIRE_EQUAL(bb->as_list().size(), 2u);
  BOOST_CHECK(bb->as_list()[0].as_bool());
  BOOST_CHECK_EQUAL(bb->as_list()[1].as_string(), "x");
  // Scalars: double, uint64, opaque decimal 12.50 (precision 4, scale 2).
  std::vector<uint8_t> d = {0x0f, 246, 0x04, 0x04, 0x02, 0x80 | 12, 50};
  test::fuzz_seed("fuzz_mysql_json", d);
  auto dv = my::decode_json_binary(d.data(), d.size());
  BOOST_REQUIRE_MESSAGE(dv.ok(), (dv.ok() ? std::string() : dv.err().message));
  BOOST_CHECK_EQUAL(dv->as_decimal().to_string(), "12.50");
}

BOOST_AUTO_TEST_CASE(decimal_binary) {
  // DECIMAL(10,2) 1234.56 and -1234.56: intg 8 (dig 8 -> 4 bytes), frac 2 -> 1 byte.
  uint8_t pos[5] = {0x80, 0x00, 0x04, 0xd2, 0x38};
  size_t used = 0;
  auto p = my::decode_decimal(pos, 10, 2, &used);
  BOOST_REQUIRE(p.ok());
  BOOST_CHECK_EQUAL(used, 5u);
  BOOST_CHECK_EQUAL(p->to_string(), "1234.56");
  uint8_t neg[5];
  for (int i = 0; i < 5; ++i) neg[i] = static_cast<uint8_t>(~pos[i]);
  auto n = my::decode_decimal(neg, 10, 2, &used);
  BOOST_REQUIRE(n.ok());
  BOOST_CHECK_EQUAL(n->to_string(), "-1234.56");
}

BOOST_AUTO_TEST_CASE(time2_and_latin1) {
  // TIME(0) 00:00:01 -> intpart 1 + 0x800000.
  uint8_t t0[3] = {0x80, 0x00, 0x01};
  BOOST_CHECK_EQUAL(my::decode_time2(t0, 0), "00:00:01");
  std::string out;
  my::latin1_to_utf8("caf\xe9 \x80", out);
  BOOST_CHECK_EQUAL(out, "caf\xc3\xa9 \xe2\x82\xac");
}

BOOST_AUTO_TEST_CASE(ddl_statements) {
  auto d = my::parse_ddl("ALTER TABLE `bank`.accounts ADD COLUMN x INT", "other");
  BOOST_CHECK(d.kind == my::DdlStatement::Kind::Alter);
  BOOST_REQUIRE_EQUAL(d.tables.size(), 1u);
  BOOST_CHECK_EQUAL(d.tables[0].first, "bank");
  BOOST_CHECK_EQUAL(d.tables[0].second, "accounts");
  d = my::parse_ddl("/* c */ rename table a to b, x.c to y.d", "db");
  BOOST_CHECK(d.kind == my::DdlStatement::Kind::Rename);
  BOOST_REQUIRE_EQUAL(d.tables.size(), 4u);
  BOOST_CHECK_EQUAL(d.tables[3].first, "y");
  d = my::parse_ddl("CREATE TABLE IF NOT EXISTS t2 (id int)", "db");
  BOOST_CHECK(d.kind == my::DdlStatement::Kind::Create);
  BOOST_CHECK_EQUAL(d.tables.at(0).second, "t2");
  d = my::parse_ddl("TRUNCATE t", "db");
  BOOST_CHECK(d.kind == my::DdlStatement::Kind::Truncate);
  d = my::parse_ddl("ALTER TABLE t RENAME COLUMN a TO b", "db");
  BOOST_CHECK(d.kind == my::DdlStatement::Kind::Alter);
  d = my::parse_ddl("ALTER TABLE t RENAME TO u", "db");
  BOOST_CHECK(d.kind == my::DdlStatement::Kind::Rename);
  BOOST_CHECK(my::parse_ddl("BEGIN", "").kind == my::DdlStatement::Kind::Begin);
  BOOST_CHECK(my::parse_ddl("GRANT ALL ON *.* TO x", "").kind == my::DdlStatement::Kind::None);
}

// Partition maintenance that moves rows without row events (DdlStatement::unlogged), and the
// ALTER TABLE forms that merely look like it.
BOOST_AUTO_TEST_CASE(ddl_partition_maintenance) {
  auto names = [](const my::DdlStatement& d) {
    std::string out;
    for (const auto& u : d.unlogged) out += u.db + "." + u.table + (u.created ? "+" : "") + " ";
    return out;
  };
  BOOST_CHECK_EQUAL(names(my::parse_ddl("ALTER TABLE t DROP PARTITION p0, p1", "db")), "db.t ");
  BOOST_CHECK_EQUAL(names(my::parse_ddl("alter table `x`.`t` truncate partition all", "db")),
                    "x.t ");
  BOOST_CHECK_EQUAL(
      names(my::parse_ddl("ALTER TABLE t ALGORITHM=INPLACE, TRUNCATE PARTITION p", "db")), "db.t ");
  BOOST_CHECK_EQUAL(
      names(my::parse_ddl("ALTER TABLE t EXCHANGE PARTITION p1 WITH TABLE o.x WITHOUT VALIDATION",
                          "db")),
      "db.t o.x ");
  BOOST_CHECK_EQUAL(names(my::parse_ddl("ALTER TABLE t CONVERT PARTITION p3 TO TABLE c", "db")),
                    "db.t db.c+ ");
  BOOST_CHECK_EQUAL(
      names(my::parse_ddl("ALTER TABLE t CONVERT TABLE c TO PARTITION p4 VALUES LESS THAN (9)",
                          "db")),
      "db.t ");
  for (const char* same_rows :
       {"ALTER TABLE t DROP COLUMN truncate", "ALTER TABLE t ADD COLUMN `drop partition` INT",
        "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4",
        "ALTER TABLE t REORGANIZE PARTITION p0 "
        "INTO (PARTITION a VALUES LESS THAN (5), PARTITION b VALUES LESS THAN (10))",
        "ALTER TABLE t COALESCE PARTITION 2", "ALTER TABLE t REMOVE PARTITIONING",
        "ALTER TABLE t COMMENT 'drop partition p0'", "TRUNCATE TABLE t"}) {
    BOOST_CHECK_MESSAGE(my::parse_ddl(same_rows, "db").unlogged.empty(), same_rows);
  }
}

BOOST_AUTO_TEST_CASE(state_round_trip) {
  my::SourceState s;
  s.phase = my::SourceState::Phase::Snapshot;
  s.position.file = "mysql-bin.000002";
  s.position.pos = 999;
  s.position.gtid = "0-1-5";
  s.table = "bank.accounts";
  s.last_key = {"a,b\n", "42"};
  s.done_tables = {"bank.a"};
  test::fuzz_seed("fuzz_checkpoint", s.encode());
  auto d = my::SourceState::decode(s.encode());
  BOOST_REQUIRE(d.ok());
  BOOST_CHECK(d->phase == my::SourceState::Phase::Snapshot);
  BOOST_CHECK_EQUAL(d->position.text(), "mysql-bin.000002:999");
  BOOST_CHECK_EQUAL(d->position.gtid, "0-1-5");
  BOOST_REQUIRE_EQUAL(d->last_key.size(), 2u);
  BOOST_CHECK_EQUAL(d->last_key[0], "a,b\n");
  BOOST_CHECK_EQUAL(d->done_tables.at(0), "bank.a");
}

// Found by fuzzing (tests/fuzz/fuzz_checkpoint.cpp): a damaged state threw std::invalid_argument
// or std::out_of_range out of decode, and so out of MySqlSource::open, instead of an error.
BOOST_AUTO_TEST_CASE(damaged_state_is_an_error_not_an_exception) {
  for (const char* text :
       {"pos=x\n", "pos=\n", "pos=18446744073709551616\n", "skip=-1\n", "server=99999999999\n",
        "from_pos=1x\n", "from_skip=\n", "catchup=a|f|\n", "catchup=a|f|x\n", "keyn=x\n",
        "key=aa\nkeyn=3\n", "key=aa,bb\nkeyn=1\n"}) {
    try {
      BOOST_TEST(!my::SourceState::decode(text).ok(), text);
    } catch (const std::exception& e) {
      BOOST_ERROR(std::string(text) + " threw " + e.what());
    }
  }
  auto empty_key = my::SourceState::decode("phase=snapshot\nkey=\nkeyn=1\n");  // one empty column
  BOOST_REQUIRE(empty_key.ok());
  BOOST_REQUIRE_EQUAL(empty_key->last_key.size(), 1u);
  BOOST_CHECK_EQUAL(empty_key->last_key[0], "");
}

// Found by fuzzing (tests/fuzz/fuzz_binlog_column.cpp, fuzz_mysql_json.cpp): a TABLE_MAP or
// binary JSON DECIMAL with a scale above its precision indexed a table with a negative number.
BOOST_AUTO_TEST_CASE(decimal_of_impossible_precision_and_scale_is_an_error) {
  BOOST_CHECK_EQUAL(my::decimal_binary_size(10, 2), 5u);
  BOOST_CHECK_EQUAL(my::decimal_binary_size(65, 30), 30u);
  uint8_t b[40] = {0x80};
  for (auto [p, s] : {std::pair{2, 5}, {0, 0}, {66, 0}, {65, 31}, {255, 255}}) {
    BOOST_CHECK_EQUAL(my::decimal_binary_size(p, s), 0u);
    size_t used = 0;
    BOOST_CHECK(!my::decode_decimal(b, p, s, &used).ok());
  }
  // A JSON opaque DECIMAL(2,5).
  std::vector<uint8_t> j = {0x0f, 246, 0x04, 0x02, 0x05, 0x80, 0x00};
  BOOST_CHECK(!my::decode_json_binary(j.data(), j.size()).ok());
}

// Found by fuzzing (tests/fuzz/fuzz_mysql_json.cpp): DECIMAL digit groups holding more than their
// digits (damaged bytes) overflowed the 128-bit unscaled value; they are an error now.
BOOST_AUTO_TEST_CASE(decimal_groups_beyond_their_digits_are_an_error) {
  uint8_t b[32];               // DECIMAL(60,10) takes 28 bytes
  for (auto& x : b) x = 0xff;  // positive (sign bit set), every group 0x7fffffff or more
  size_t used = 0;
  BOOST_CHECK(!my::decode_decimal(b, 10, 2, &used).ok());
  BOOST_CHECK(!my::decode_decimal(b, 38, 0, &used).ok());
  BOOST_CHECK(!my::decode_decimal(b, 60, 10, &used).ok());
  uint8_t max[5] = {0x85, 0xf5, 0xe0, 0xff, 0x63};  // 99999999.99, every group at its largest
  auto d = my::decode_decimal(max, 10, 2, &used);
  BOOST_REQUIRE(d.ok());
  BOOST_CHECK_EQUAL(d->to_string(), "99999999.99");
}

// Found by fuzzing (tests/fuzz/fuzz_binlog_column.cpp): TIME2 metadata of more than 6 fraction
// digits wrote past a 7-byte buffer; DATETIME2/TIMESTAMP2 took them silently.
BOOST_AUTO_TEST_CASE(temporal_fraction_digits_beyond_six_are_an_error) {
  uint8_t b[16] = {0x80, 0x00, 0x01, 0x80, 0x00, 0x01, 0x80, 0x00, 0x01, 0x80, 0x00, 0x01};
  for (uint8_t type : {my::kTime2, my::kDateTime2, my::kTimestamp2}) {
    for (uint8_t fsp : {7, 31, 255}) {
      my::Column c;
      c.type = c.real_type = type;
      c.meta = c.fsp = fsp;
      my::ByteReader r(b, sizeof b);
      my::DecodeStats stats;
      BOOST_CHECK(!my::decode_column(c, r, stats).ok());
    }
  }
}

// Found by fuzzing (tests/fuzz/fuzz_binlog_column.cpp): a BLOB/JSON/GEOMETRY length width or an
// ENUM/SET pack length over 8 bytes (from a damaged TABLE_MAP) shifted a 64-bit value by 64 or
// more; the reader fails such widths now.
BOOST_AUTO_TEST_CASE(integer_widths_beyond_eight_bytes_fail) {
  uint8_t b[32] = {1, 2, 3};
  my::ByteReader r(b, sizeof b);
  BOOST_CHECK_EQUAL(r.le(9), 0u);
  BOOST_CHECK(r.failed());
  my::ByteReader r2(b, sizeof b);
  BOOST_CHECK_EQUAL(r2.be(255), 0u);
  BOOST_CHECK(r2.failed());
  my::Column blob;
  blob.type = blob.real_type = my::kBlob;
  blob.meta = 9;
  my::ByteReader r3(b, sizeof b);
  my::DecodeStats stats;
  BOOST_CHECK(!my::decode_column(blob, r3, stats).ok());
}

// Found by fuzzing (tests/fuzz/fuzz_mysql_json.cpp): an opaque temporal value of INT64_MIN was
// negated with undefined behaviour (reported by the UBSan build); it is an invalid date: null.
BOOST_AUTO_TEST_CASE(json_opaque_temporal_of_int64_min_is_null) {
  for (uint8_t type : {my::kDate, my::kDateTime, my::kTime}) {
    std::vector<uint8_t> j = {0x0f, type, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80};
    auto v = my::decode_json_binary(j.data(), j.size());
    BOOST_REQUIRE(v.ok());
    if (type != my::kTime) BOOST_CHECK(v->is_null());
  }
}

BOOST_AUTO_TEST_SUITE_END()
