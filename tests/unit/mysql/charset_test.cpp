// Text columns of every character set: a row streamed from the binlog (where values are the
// column's own bytes) equals the same row read through a utf8mb4 connection (the server's own
// conversion, which the snapshot uses), in both binlog_row_metadata modes; ENUM labels too.
// Before, only latin1 was converted: a cp1251 'Привет' streamed as the bytes CF F0 E8 E2 E5 F2,
// a utf16 string with a NUL byte before every ASCII letter.
#include <boost/test/unit_test.hpp>

#include "operators/mysql/charset_converter.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace charset_test_cases {

// Every character set MariaDB 10.11 has, but utf8mb4 (the table's own) and binary.
const char* const kCharsets[] = {
    "armscii8", "ascii",   "big5",   "cp1250",  "cp1251",   "cp1256",  "cp1257", "cp850",
    "cp852",    "cp866",   "cp932",  "dec8",    "eucjpms",  "euckr",   "gb2312", "gbk",
    "keybcs2",  "geostd8", "greek",  "hebrew",  "hp8",      "koi8r",   "koi8u",  "latin1",
    "latin2",   "latin5",  "latin7", "macce",   "macroman", "sjis",    "swe7",   "tis620",
    "ucs2",     "ujis",    "utf16",  "utf16le", "utf32",    "utf8mb3",
};

// Characters of many scripts: each column keeps those its character set has (the others become
// '?', as the server stores them with sql_mode = '').
const char* const kText =
    "Привет こんにちは 中文 한국어 Ελλάδα עברית ไทย Zażółć Grüße €£¥ \\~[]{}| ✓";

void create_and_insert(const std::string& db, int first_id) {
  std::string cols, vals;
  for (const char* cs : kCharsets) {
    cols += std::string(", c_") + cs + " VARCHAR(120) CHARACTER SET " + cs;
    vals += std::string(", '") + kText + "'";
  }
  server().exec("CREATE DATABASE IF NOT EXISTS " + db + "; CREATE TABLE IF NOT EXISTS " + db +
                ".t (id INT PRIMARY KEY, e ENUM('нет', 'да') CHARACTER SET cp1251, x TEXT "
                "CHARACTER SET sjis, h1 CHAR(12) CHARACTER SET ucs2, h2 CHAR(12) CHARACTER SET "
                "cp1251, h3 CHAR(12) CHARACTER SET utf32" +
                cols + ") DEFAULT CHARSET = utf8mb4");
  auto c = server().connect();
  MariaDbServer::exec(c.get(), "SET SESSION sql_mode = ''");
  for (int id = first_id; id < first_id + 2; ++id) {
    MariaDbServer::exec(c.get(), "INSERT INTO " + db + ".t VALUES (" + std::to_string(id) +
                                     ", 'да', '" + kText + "', 'Ок', 'Ок', 'z'" + vals + ")");
  }
}

// Each text column of the events equals SELECT's text of its row.
void check_equal_to_select(const std::string& db, const std::vector<Event>& evs) {
  BOOST_REQUIRE(!evs.empty());
  for (const auto& e : evs) {
    const std::string id = field(e, "id").to_display();
    auto rows = server().query("SELECT * FROM " + db + ".t WHERE id = " + id);
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    auto names =
        server().query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" +
                       db + "' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION");
    for (size_t i = 1; i < names.size(); ++i) {
      const std::string name = names[i].at(0).value_or("");
      const Value& v = field(e, name);
      BOOST_CHECK_MESSAGE(v.type() == Type::String && v.as_string() == rows[0].at(i).value_or(""),
                          name << ": event '" << v.to_display() << "', SELECT '"
                               << rows[0].at(i).value_or("") << "'");
    }
  }
}

}  // namespace charset_test_cases

BOOST_AUTO_TEST_SUITE(mysql_charsets)

BOOST_AUTO_TEST_CASE(every_character_set_streams_as_the_server_converts_it) {
  for (const char* mode : {"FULL", "MINIMAL"}) {
    const std::string db = std::string("cs_") + mode;
    server().exec("DROP DATABASE IF EXISTS " + db + "; SET GLOBAL binlog_row_metadata = '" + mode +
                  "'");
    auto cfg = make_cfg(db, {});
    cfg.start = current_start();
    charset_test_cases::create_and_insert(db, 1);
    server().exec("SET GLOBAL binlog_row_metadata = 'FULL'");
    my::MySqlSource src(cfg);
    auto o = src.open("");
    BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
    charset_test_cases::check_equal_to_select(db, poll_n(src, 2));
  }
}

BOOST_AUTO_TEST_CASE(the_snapshot_reads_every_character_set_the_same) {
  server().exec("DROP DATABASE IF EXISTS cs_snap");
  charset_test_cases::create_and_insert("cs_snap", 1);
  auto cfg = make_cfg("cs_snap", {}, my::SnapshotMode::Only);
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  charset_test_cases::check_equal_to_select("cs_snap", poll_n(src, 2));
}

BOOST_AUTO_TEST_CASE(iconv_converts_the_unicode_encodings_and_names_bad_text) {
  BOOST_CHECK(!my::iconv_charset("cp1251"));  // read from the server's table instead
  BOOST_CHECK_EQUAL(my::charset_to_utf8("utf16", std::string("\x04\x1F\x00\x41", 4)).value(), "ПA");
  auto bad = my::charset_to_utf8("utf16", std::string("\xD8\x00\x00\x41", 4));  // lone surrogate
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK(bad.err().message.find("utf16") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
