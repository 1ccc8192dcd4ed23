// MySQL 8 formats that the MariaDB server here never produces (no MySQL 8 server on this
// machine): row events v2 (WRITE/UPDATE/DELETE_ROWS 30-32, with their extra-data header) and
// binary JSON (small/large objects and arrays, every scalar type, inline values, nesting,
// opaque DECIMAL, malformed input). Events are built byte by byte as MySQL 8 writes them.
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "base/json.h"
#include "operators/mysql/json_binary.h"
#include "operators/mysql/row_decoder.h"
#include "operators/mysql/table_map.h"
#include "support/fuzz_seed.h"

using namespace sluice;
namespace my = sluice::operators::mysql;

namespace {

using Bytes = std::vector<uint8_t>;

void put_le(Bytes& b, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void set_le(Bytes& b, size_t at, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// ---- a MySQL binary JSON writer (sql-common/json_binary.cc layout) for the tests ----
struct J {
  enum K { Obj, Arr, Lit, I16, U16, I32, U32, I64, U64, Dbl, Str, Opaque } k;
  explicit J(K kind) : k(kind) {}
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;  // Str; Opaque payload
  uint8_t lit = 0, opaque_type = 0;
  std::vector<std::pair<std::string, J>> members;  // Obj (keys as given)
  std::vector<J> items;                            // Arr
};

uint8_t type_code(const J& j, bool large) {
  switch (j.k) {
    case J::Obj:
      return large ? 0x01 : 0x00;
    case J::Arr:
      return large ? 0x03 : 0x02;
    case J::Lit:
      return 0x04;
    case J::I16:
      return 0x05;
    case J::U16:
      return 0x06;
    case J::I32:
      return 0x07;
    case J::U32:
      return 0x08;
    case J::I64:
      return 0x09;
    case J::U64:
      return 0x0a;
    case J::Dbl:
      return 0x0b;
    case J::Str:
      return 0x0c;
    case J::Opaque:
      return 0x0f;
  }
  return 0;
}

void put_varlen(Bytes& b, size_t n) {
  do {
    uint8_t c = n & 0x7f;
    n >>= 7;
    b.push_back(static_cast<uint8_t>(c | (n ? 0x80 : 0)));
  } while (n);
}

Bytes encode(const J& j, bool large);

// Scalar bytes (not inlined).
Bytes scalar(const J& j) {
  Bytes b;
  switch (j.k) {
    case J::Lit:
      b.push_back(j.lit);
      break;
    case J::I16:
      put_le(b, static_cast<uint64_t>(j.i), 2);
      break;
    case J::U16:
      put_le(b, j.u, 2);
      break;
    case J::I32:
      put_le(b, static_cast<uint64_t>(j.i), 4);
      break;
    case J::U32:
      put_le(b, j.u, 4);
      break;
    case J::I64:
      put_le(b, static_cast<uint64_t>(j.i), 8);
      break;
    case J::U64:
      put_le(b, j.u, 8);
      break;
    case J::Dbl: {
      uint64_t bits;
      std::memcpy(&bits, &j.d, 8);
      put_le(b, bits, 8);
      break;
    }
    case J::Str:
      put_varlen(b, j.s.size());
      b.insert(b.end(), j.s.begin(), j.s.end());
      break;
    case J::Opaque:
      b.push_back(j.opaque_type);
      put_varlen(b, j.s.size());
      b.insert(b.end(), j.s.begin(), j.s.end());
      break;
    default:
      break;
  }
  return b;
}

bool inlined(const J& j, bool large) {
  return j.k == J::Lit || j.k == J::I16 || j.k == J::U16 ||
         (large && (j.k == J::I32 || j.k == J::U32));
}

// Container body (without its type byte); children use the same size class.
Bytes encode(const J& j, bool large) {
  if (j.k != J::Obj && j.k != J::Arr) return scalar(j);
  size_t w = large ? 4 : 2;
  bool obj = j.k == J::Obj;
  size_t n = obj ? j.members.size() : j.items.size();
  Bytes b;
  put_le(b, n, w);
  put_le(b, 0, w);  // size, patched
  size_t key_entries = b.size();
  if (obj) b.resize(b.size() + n * (w + 2));
  size_t value_entries = b.size();
  b.resize(b.size() + n * (1 + w));
  if (obj) {
    for (size_t i = 0; i < n; ++i) {
      set_le(b, key_entries + i * (w + 2), b.size(), w);
      set_le(b, key_entries + i * (w + 2) + w, j.members[i].first.size(), 2);
      b.insert(b.end(), j.members[i].first.begin(), j.members[i].first.end());
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const J& v = obj ? j.members[i].second : j.items[i];
    size_t e = value_entries + i * (1 + w);
    b[e] = type_code(v, large);
    if (inlined(v, large)) {
      Bytes s = scalar(v);
      for (size_t k = 0; k < s.size() && k < w; ++k) b[e + 1 + k] = s[k];
      continue;
    }
    set_le(b, e + 1, b.size(), w);
    Bytes s = encode(v, large);
    b.insert(b.end(), s.begin(), s.end());
  }
  set_le(b, w, b.size(), w);
  return b;
}

Bytes doc(const J& j, bool large) {
  Bytes b{type_code(j, large)};
  Bytes body = encode(j, large);
  b.insert(b.end(), body.begin(), body.end());
  test::fuzz_seed("fuzz_mysql_json", b);
  return b;
}

J num16(int64_t v) {
  J j{J::I16};
  j.i = v;
  return j;
}
J str(const std::string& s) {
  J j{J::Str};
  j.s = s;
  return j;
}
J lit(uint8_t l) {
  J j{J::Lit};
  j.lit = l;
  return j;
}

// The JSON text of a decoded document.
std::string decode_text(const Bytes& b) {
  auto v = my::decode_json_binary(b.data(), b.size());
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message));
  return json::encode(*v);
}

// A document with every scalar type, nested containers, and a long string.
J sample() {
  J inner{J::Arr};
  inner.items = {num16(-2), lit(0), lit(2), str("")};
  J deep{J::Obj};
  deep.members = {{"k", inner}};
  J o{J::Obj};
  J i32{J::I32};
  i32.i = -100000;
  J u32{J::U32};
  u32.u = 4000000000u;
  J i64{J::I64};
  i64.i = -9000000000000LL;
  J u64{J::U64};
  u64.u = 18446744073709551615ULL;
  J u64s{J::U64};
  u64s.u = 7;
  J u16{J::U16};
  u16.u = 65535;
  J dbl{J::Dbl};
  dbl.d = 2.5;
  J dec{J::Opaque};
  dec.opaque_type = 246;  // DECIMAL(5,3) -12.345: precision, scale, binary
  dec.s = std::string("\x05\x03", 2);
  {
    uint8_t bin[3] = {0x80 | 12, 0x01, 0x59};  // intg 2 -> 1 byte (12), frac 3 -> 2 bytes (345)
    for (auto& c : bin) c = static_cast<uint8_t>(~c);
    dec.s.append(reinterpret_cast<const char*>(bin), 3);
  }
  o.members = {{"a", num16(1)},
               {"b", lit(1)},
               {"i32", i32},
               {"u32", u32},
               {"i64", i64},
               {"u64", u64},
               {"u64s", u64s},
               {"u16", u16},
               {"dbl", dbl},
               {"dec", dec},
               {"s", str(std::string(200, 'x') + "\xc3\xa9")},
               {"deep", deep}};
  return o;
}

const char* kSampleText =
    R"({"a":1,"b":true,"i32":-100000,"u32":4000000000,"i64":-9000000000000,)"
    R"("u64":18446744073709551615,"u64s":7,"u16":65535,"dbl":2.5,"dec":-12.345,"s":")";

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql8_formats)

BOOST_AUTO_TEST_CASE(binary_json_small_and_large_give_the_same_document) {
  std::string want = std::string(kSampleText) + std::string(200, 'x') +
                     "\xc3\xa9\",\"deep\":{\"k\":[-2,null,false,\"\"]}}";
  BOOST_CHECK_EQUAL(decode_text(doc(sample(), false)), want);
  BOOST_CHECK_EQUAL(decode_text(doc(sample(), true)), want);
  // Exact types: uint64 beyond int64 stays uint, the opaque DECIMAL is an exact decimal.
  auto v = my::decode_json_binary(doc(sample(), true).data(), doc(sample(), true).size());
  BOOST_REQUIRE(v.ok());
  BOOST_CHECK(v->as_object().find(intern("u64"))->type() == Type::UInt);
  BOOST_CHECK(v->as_object().find(intern("u64s"))->type() == Type::Int);
  BOOST_CHECK(v->as_object().find(intern("dec"))->type() == Type::Decimal);
  BOOST_CHECK_EQUAL(v->as_object().find(intern("dec"))->as_decimal().to_string(), "-12.345");
  BOOST_CHECK(v->as_object().find(intern("dbl"))->type() == Type::Float);
}

BOOST_AUTO_TEST_CASE(binary_json_top_level_scalars_and_arrays) {
  BOOST_CHECK_EQUAL(decode_text(doc(str("hello"), false)), R"("hello")");
  BOOST_CHECK_EQUAL(decode_text(doc(lit(1), false)), "true");
  BOOST_CHECK_EQUAL(decode_text(doc(lit(0), false)), "null");
  J big{J::I64};
  big.i = INT64_MIN;
  BOOST_CHECK_EQUAL(decode_text(doc(big, false)), "-9223372036854775808");
  // A string whose length needs a 3-byte varlen (16384+ bytes).
  std::string long_s(20000, 'q');
  BOOST_CHECK_EQUAL(decode_text(doc(str(long_s), false)), "\"" + long_s + "\"");
  J arr{J::Arr};
  for (int i = 0; i < 300; ++i) arr.items.push_back(num16(i));
  std::string want = "[";
  for (int i = 0; i < 300; ++i) want += (i ? "," : "") + std::to_string(i);
  want += "]";
  BOOST_CHECK_EQUAL(decode_text(doc(arr, false)), want);
  BOOST_CHECK_EQUAL(decode_text(doc(arr, true)), want);
  J empty_obj{J::Obj}, empty_arr{J::Arr};
  BOOST_CHECK_EQUAL(decode_text(doc(empty_obj, false)), "{}");
  BOOST_CHECK_EQUAL(decode_text(doc(empty_arr, true)), "[]");
}

BOOST_AUTO_TEST_CASE(binary_json_opaque_temporals) {
  // MySQL stores DATE/DATETIME/TIMESTAMP/TIME inside JSON as opaque 8-byte packed values.
  auto packed = [](int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s, int64_t us) {
    int64_t ymd = ((y * 13 + mo) << 5) | d;
    int64_t hms = (h << 12) | (mi << 6) | s;
    return (((ymd << 17) | hms) << 24) + us;
  };
  auto opaque = [](uint8_t type, int64_t v) {
    J j{J::Opaque};
    j.opaque_type = type;
    for (int i = 0; i < 8; ++i)
      j.s.push_back(static_cast<char>(static_cast<uint64_t>(v) >> (8 * i)));
    return j;
  };
  J o{J::Obj};
  o.members = {{"d", opaque(10, packed(2024, 2, 29, 0, 0, 0, 0))},
               {"dt", opaque(12, packed(2024, 2, 29, 13, 45, 59, 123456))},
               {"ts", opaque(7, packed(1999, 12, 31, 23, 59, 59, 0))},
               {"t", opaque(11, -(((int64_t{838} << 12) | (59 << 6) | 59) << 24))},
               {"tf", opaque(11, (((int64_t{1} << 12) | (2 << 6) | 3) << 24) + 500)},
               {"zero", opaque(12, 0)},
               {"blob", [] {
                  J b{J::Opaque};
                  b.opaque_type = 252;
                  b.s = "ab";
                  return b;
                }()}};
  Bytes b = doc(o, false);
  auto v = my::decode_json_binary(b.data(), b.size());
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message));
  const Object& r = v->as_object();
  BOOST_CHECK(r.find(intern("d"))->type() == Type::Date);
  BOOST_CHECK(r.find(intern("dt"))->type() == Type::DateTime);
  BOOST_CHECK(r.find(intern("ts"))->type() == Type::Timestamp);
  BOOST_CHECK_EQUAL(json::encode(*v),
                    R"({"d":"2024-02-29","dt":"2024-02-29T13:45:59.123456",)"
                    R"("ts":"1999-12-31T23:59:59.000Z","t":"-838:59:59","tf":"01:02:03.000500",)"
                    R"("zero":null,"blob":"YWI="})");
}

BOOST_AUTO_TEST_CASE(binary_json_malformed_is_an_error_not_a_crash) {
  Bytes good = doc(sample(), false);
  // Every truncation fails cleanly (or decodes a scalar prefix), never reads out of bounds.
  for (size_t n = 1; n + 1 < good.size(); n += 7) {
    auto v = my::decode_json_binary(good.data(), n);
    BOOST_CHECK(!v.ok());
  }
  Bytes bad_type = {0x0e, 0x00};
  BOOST_CHECK(!my::decode_json_binary(bad_type.data(), bad_type.size()).ok());
  Bytes bad_literal = {0x04, 0x09};
  BOOST_CHECK(!my::decode_json_binary(bad_literal.data(), bad_literal.size()).ok());
  // A value offset pointing past the container.
  Bytes off = doc(sample(), false);
  set_le(off, 1 + 4 + 12 * 4 + 2 * 3 + 1, 0xfff0, 2);  // offset of the 3rd value (i32)
  BOOST_CHECK(!my::decode_json_binary(off.data(), off.size()).ok());
  // Nesting beyond 100 levels.
  J nest = num16(1);
  for (int i = 0; i < 120; ++i) {
    J a{J::Arr};
    a.items.push_back(nest);
    nest = a;
  }
  Bytes deep = doc(nest, false);
  auto v = my::decode_json_binary(deep.data(), deep.size());
  BOOST_REQUIRE(!v.ok());
  BOOST_CHECK(v.err().message.find("deeply") != std::string::npos);
}

namespace {

// accounts(id BIGINT UNSIGNED, balance DECIMAL(15,2), doc JSON, name VARCHAR(20) NULL).
my::TableMap accounts_map() {
  my::TableMap t;
  t.table_id = 77;
  t.db = "bank";
  t.table = "accounts";
  t.columns.resize(4);
  t.columns[0].name = "id";
  t.columns[0].type = t.columns[0].real_type = my::kLongLong;
  t.columns[0].is_unsigned = true;
  t.columns[1].name = "balance";
  t.columns[1].type = t.columns[1].real_type = my::kNewDecimal;
  t.columns[1].precision = 15;
  t.columns[1].scale = 2;
  t.columns[2].name = "doc";
  t.columns[2].type = t.columns[2].real_type = my::kJson;
  t.columns[2].meta = 4;  // 4-byte length
  t.columns[3].name = "name";
  t.columns[3].type = t.columns[3].real_type = my::kVarchar;
  t.columns[3].length = 80;  // utf8mb4 max bytes < 256: 1-byte length
  t.columns[3].collation = 255;
  t.primary_key = {0};
  t.finish("mks");
  return t;
}

// One row image: null bitmap + values, all 4 columns present.
void put_row(Bytes& b, uint64_t id, int64_t cents, const Bytes& json, const char* name) {
  b.push_back(name ? 0x00 : 0x08);  // null bitmap: column 4 null
  put_le(b, id, 8);
  // DECIMAL(15,2): intg 13 = 1 group of 9 (4 bytes) + 4 digits (2 bytes); frac 2 -> 1 byte.
  bool neg = cents < 0;
  uint64_t a = static_cast<uint64_t>(neg ? -cents : cents);
  uint64_t ip = a / 100, fp = a % 100;
  uint8_t d[7] = {static_cast<uint8_t>(ip / 1000000000 >> 8),
                  static_cast<uint8_t>(ip / 1000000000),
                  static_cast<uint8_t>((ip % 1000000000) >> 24),
                  static_cast<uint8_t>((ip % 1000000000) >> 16),
                  static_cast<uint8_t>((ip % 1000000000) >> 8),
                  static_cast<uint8_t>(ip % 1000000000),
                  static_cast<uint8_t>(fp)};
  d[0] ^= 0x80;
  if (neg) {
    for (auto& x : d) x = static_cast<uint8_t>(~x);
  }
  b.insert(b.end(), d, d + 7);
  put_le(b, json.size(), 4);
  b.insert(b.end(), json.begin(), json.end());
  if (name) {
    b.push_back(static_cast<uint8_t>(std::strlen(name)));
    b.insert(b.end(), name, name + std::strlen(name));
  }
}

// A v2 rows event body: table id, flags, extra data (length includes its own 2 bytes),
// column count, present bitmap(s), rows.
Bytes v2_header(bool update, const Bytes& extra) {
  Bytes b;
  put_le(b, 77, 6);
  put_le(b, 1, 2);  // STMT_END_F
  put_le(b, extra.size() + 2, 2);
  b.insert(b.end(), extra.begin(), extra.end());
  b.push_back(4);     // columns
  b.push_back(0x0f);  // all present
  if (update) b.push_back(0x0f);
  return b;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rows_events_v2_write_update_delete) {
  my::TableMap tm = accounts_map();
  my::RowDecoder dec;
  J j{J::Obj};
  j.members = {{"tier", str("gold")}};
  Bytes json = doc(j, false);
  // WRITE_ROWS v2 (30) with an extra-data block (MySQL 8 NDB/partition info: skipped), 2 rows.
  Bytes extra = {0x01, 0x03, 0x00, 0x00, 0x00};  // partition info type + data
  Bytes w = v2_header(false, extra);
  put_row(w, 18446744073709551615ULL, 1050, json, "Ann");
  put_row(w, 2, -99999999999999LL, json, nullptr);
  BOOST_CHECK(my::RowDecoder::is_rows_event(30) && my::RowDecoder::is_rows_event(32));
  BOOST_CHECK_EQUAL(my::RowDecoder::table_id(w.data(), w.size()), 77u);
  std::vector<Event> out;
  auto n = dec.decode(30, w.data(), w.size(), tm, out);
  BOOST_REQUIRE_MESSAGE(n.ok(), (n.ok() ? std::string() : n.err().message));
  BOOST_REQUIRE_EQUAL(*n, 2u);
  BOOST_CHECK(out[0].op == Op::Create);
  BOOST_CHECK_EQUAL(
      json::encode(Value::object(out[0].row)),
      R"({"id":18446744073709551615,"balance":10.50,"doc":{"tier":"gold"},"name":"Ann"})");
  BOOST_CHECK(out[0].row.find(intern("id"))->type() == Type::UInt);
  BOOST_CHECK_EQUAL(json::encode(Value::object(out[1].row)),
                    R"({"id":2,"balance":-999999999999.99,"doc":{"tier":"gold"},"name":null})");
  BOOST_CHECK(out[0].source == tm.meta);
  BOOST_CHECK_EQUAL(out[0].source->primary_key.at(0), "id");
  // UPDATE_ROWS v2 (31): before and after image per row; no extra data (length 2).
  Bytes u = v2_header(true, {});
  put_row(u, 2, 100, json, nullptr);
  put_row(u, 2, 250, json, "Bob");
  out.clear();
  n = dec.decode(31, u.data(), u.size(), tm, out);
  BOOST_REQUIRE_MESSAGE(n.ok(), (n.ok() ? std::string() : n.err().message));
  BOOST_REQUIRE_EQUAL(*n, 1u);
  BOOST_CHECK(out[0].op == Op::Update && out[0].has_before);
  BOOST_CHECK_EQUAL(out[0].before.find(intern("balance"))->as_decimal().to_string(), "1.00");
  BOOST_CHECK_EQUAL(out[0].row.find(intern("balance"))->as_decimal().to_string(), "2.50");
  BOOST_CHECK_EQUAL(out[0].row.find(intern("name"))->as_string(), "Bob");
  // DELETE_ROWS v2 (32): the row is the before image.
  Bytes d = v2_header(false, {});
  put_row(d, 2, 250, json, "Bob");
  out.clear();
  n = dec.decode(32, d.data(), d.size(), tm, out);
  BOOST_REQUIRE(n.ok());
  BOOST_REQUIRE_EQUAL(*n, 1u);
  BOOST_CHECK(out[0].op == Op::Delete && out[0].has_before);
  BOOST_CHECK_EQUAL(out[0].row.find(intern("name"))->as_string(), "Bob");
  BOOST_CHECK(out[0].before == out[0].row);
  // v1 (23) of the same rows without the extra-data field decodes identically.
  Bytes v1;
  put_le(v1, 77, 6);
  put_le(v1, 1, 2);
  v1.push_back(4);
  v1.push_back(0x0f);
  put_row(v1, 2, 250, json, "Bob");
  std::vector<Event> o1;
  BOOST_REQUIRE(dec.decode(23, v1.data(), v1.size(), tm, o1).ok());
  BOOST_REQUIRE_EQUAL(o1.size(), 1u);
  BOOST_CHECK(o1[0].row == out[0].row);
}

BOOST_AUTO_TEST_CASE(rows_event_v2_errors) {
  my::TableMap tm = accounts_map();
  my::RowDecoder dec;
  std::vector<Event> out;
  // Column count differing from the TABLE_MAP.
  Bytes b;
  put_le(b, 77, 6);
  put_le(b, 1, 2);
  put_le(b, 2, 2);
  b.push_back(3);
  b.push_back(0x07);
  auto n = dec.decode(30, b.data(), b.size(), tm, out);
  BOOST_REQUIRE(!n.ok());
  BOOST_CHECK(n.err().message.find("bank.accounts") != std::string::npos);
  // A truncated row image.
  Bytes t = v2_header(false, {});
  put_row(t, 1, 1, doc(str("x"), false), "A");
  t.erase(t.end() - 3, t.end());
  out.clear();
  n = dec.decode(30, t.data(), t.size(), tm, out);
  BOOST_CHECK(!n.ok());
}

// Found by fuzzing (tests/fuzz/fuzz_binlog_event.cpp): a rows event whose columns-present
// bitmap is empty has rows of no bytes; the decoder looped on them forever, appending events.
BOOST_AUTO_TEST_CASE(rows_event_with_no_column_present_is_an_error) {
  my::TableMap tm = accounts_map();
  my::RowDecoder dec;
  for (uint8_t type : {23, 24, 30}) {
    Bytes b;
    put_le(b, 77, 6);
    put_le(b, 1, 2);
    if (type == 30) put_le(b, 2, 2);
    b.push_back(4);     // columns
    b.push_back(0x00);  // none present
    if (type == 24) b.push_back(0x00);
    b.push_back(0x01);  // a byte of rows
    std::vector<Event> out;
    auto n = dec.decode(type, b.data(), b.size(), tm, out);
    BOOST_CHECK(!n.ok());
    BOOST_CHECK(out.empty());
  }
}

// Found by fuzzing (fuzz_binlog_event): a TABLE_MAP whose optional metadata names a key column
// past the last column made the rows' decoder read past its column bitmap.
BOOST_AUTO_TEST_CASE(table_map_key_column_out_of_range_is_an_error) {
  auto table_map = [](uint8_t key_column) {
    Bytes b;
    put_le(b, 77, 6);
    put_le(b, 1, 2);
    for (const char* name : {"db", "t"}) {
      b.push_back(static_cast<uint8_t>(std::strlen(name)));
      b.insert(b.end(), name, name + std::strlen(name) + 1);  // with its NUL
    }
    b.push_back(1);  // one column
    b.push_back(my::kLongLong);
    b.push_back(0);     // no type metadata
    b.push_back(0x00);  // not nullable
    b.push_back(8);     // SIMPLE_PRIMARY_KEY
    b.push_back(1);
    b.push_back(key_column);
    return b;
  };
  Bytes good = table_map(0);
  auto tm = my::parse_table_map(good.data(), good.size());
  BOOST_REQUIRE_MESSAGE(tm.ok(), (tm.ok() ? std::string() : tm.err().message));
  BOOST_CHECK_EQUAL(tm->primary_key.size(), 1u);
  Bytes bad = table_map(5);
  auto err = my::parse_table_map(bad.data(), bad.size());
  BOOST_REQUIRE(!err.ok());
  BOOST_CHECK(err.err().message.find("primary key column out of range") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
