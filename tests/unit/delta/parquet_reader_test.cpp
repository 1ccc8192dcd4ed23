// ParquetReader (sink delta reads back the Parquet files of ParquetWriter): every column type,
// nullable and not, zstd and uncompressed, many row groups and pages, edge values, written by
// ParquetWriter and read back value by value against a model; files the writer never writes
// (other page types, encodings, codecs, nested schemas) refused with a clear message; truncated
// and corrupted files give an error or rows, never a crash.
#include "operators/delta/parquet_reader.h"

#include <array>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "base/value.h"
#include "operators/delta/errc.h"
#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_footer.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_plain.h"
#include "operators/delta/parquet_thrift.h"
#include "operators/delta/parquet_writer.h"
#include "support/process.h"

namespace parquet_reader_test {

using namespace sluice;
using namespace sluice::operators::delta;
using apache::thrift::protocol::TType;
using sluice::test::TempDir;

void require_ok(const result<void>& r) { BOOST_REQUIRE_MESSAGE(r.ok(), r.err().describe()); }

// ---- the model: the value of every cell, a pure function of (row, column) ----

uint64_t mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t cell_hash(uint64_t row, size_t column, uint64_t salt) {
  return mix(mix(row * 1000003 + column) ^ salt);
}

int128 pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Every column type, nullable and not (the not-null copies end in _nn).
std::vector<ColumnSchema> every_type_schema() {
  std::vector<ColumnSchema> base{{"b", ColumnType::Bool},
                                 {"i32", ColumnType::Int32},
                                 {"i64", ColumnType::Int64},
                                 {"f", ColumnType::Double},
                                 {"s", ColumnType::String},
                                 {"bin", ColumnType::Binary},
                                 {"d5", ColumnType::Decimal, 5, 2},
                                 {"d18", ColumnType::Decimal, 18, 4},
                                 {"d20", ColumnType::Decimal, 20, 0},
                                 {"d38", ColumnType::Decimal, 38, 10},
                                 {"dt", ColumnType::Date},
                                 {"ts", ColumnType::Timestamp}};
  std::vector<ColumnSchema> out = base;
  for (ColumnSchema c : base) {
    c.name += "_nn";
    c.nullable = false;
    out.push_back(c);
  }
  return out;
}

// Every type once, nullable and not in turn: half the columns (and time under ASan).
std::vector<ColumnSchema> mixed_schema() {
  std::vector<ColumnSchema> all = every_type_schema();
  std::vector<ColumnSchema> out;
  for (size_t i = 0; i < all.size() / 2; ++i) out.push_back(all[i + (i % 2) * all.size() / 2]);
  return out;
}

// A written value and the value read back (they differ where the writer converts: UInt to Int,
// Int to Float or Decimal, String to Bytes, DateTime to Timestamp).
struct Cell {
  Value written;
  Value read;
};

Cell same(const Value& v) { return {v, v}; }

Value dec(int128 unscaled, int scale) { return Value::decimal(Decimal(unscaled, scale)); }

Cell integer_cell(const ColumnSchema& c, uint64_t h, uint64_t row) {
  const bool i32 = c.type == ColumnType::Int32;
  const int64_t lo =
      i32 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
  const int64_t hi =
      i32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
  const std::array<int64_t, 7> edges{lo, hi, 0, -1, 1, lo + 1, hi - 1};
  int64_t v = 0;
  if (row < edges.size()) {
    v = edges[row];
  } else if (h % 5 == 0) {
    v = edges[(h >> 8) % edges.size()];
  } else {
    v = i32 ? static_cast<int32_t>(h >> 16) : static_cast<int64_t>(h >> 1) * ((h & 1) ? -1 : 1);
  }
  if (v >= 0 && (h >> 40) % 4 == 0)
    return {Value::uint64(static_cast<uint64_t>(v)), Value::int64(v)};
  return same(Value::int64(v));
}

Cell double_cell(uint64_t h, uint64_t row) {
  const double inf = std::numeric_limits<double>::infinity();
  static const std::vector<double> edges{0.0,
                                         -0.0,
                                         1.5,
                                         -1e308,
                                         std::numeric_limits<double>::denorm_min(),
                                         inf,
                                         -inf,
                                         std::numeric_limits<double>::quiet_NaN(),
                                         std::numeric_limits<double>::max()};
  if (row < edges.size()) return same(Value::float64(edges[row]));
  if (h % 7 == 0) {
    auto i = static_cast<int64_t>(h >> 20) - (1LL << 42);
    return {Value::int64(i), Value::float64(static_cast<double>(i))};
  }
  double d = 0;
  uint64_t bits = mix(h);
  std::memcpy(&d, &bits, 8);
  return same(Value::float64(d));
}

std::string random_text(uint64_t h, bool utf8) {
  static const std::vector<std::string> pieces{"a", "Z", " ", "é", "✓", "日本", "🎉", "\t", "0"};
  std::string s;
  size_t n = h % 24;
  for (size_t i = 0; i < n; ++i) {
    h = mix(h);
    if (utf8) {
      s += pieces[h % pieces.size()];
    } else {
      s.push_back(static_cast<char>(h & 0xff));
    }
  }
  return s;
}

std::string every_byte() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

Cell string_cell(const ColumnSchema& c, uint64_t h, uint64_t row) {
  static const std::vector<std::string> edges{
      "",           "héllo ✓ 日本 🎉",    std::string("a\0b", 3), std::string(3000, 'x'),
      every_byte(), std::string(1, '\0')};
  std::string s;
  if (row < edges.size()) {
    s = edges[row];
  } else if (h % 9 == 0) {
    s = edges[(h >> 8) % edges.size()];
  } else {
    s = random_text(h >> 4, c.type == ColumnType::String);
  }
  if (c.type == ColumnType::String) return same(Value::string(s));
  if ((h >> 32) % 3 == 0) return {Value::string(s), Value::bytes(s)};
  return same(Value::bytes(s));
}

Cell decimal_cell(const ColumnSchema& c, uint64_t h, uint64_t row) {
  const int128 limit = pow10(c.precision) - 1;
  const std::array<int128, 7> edges{limit, -limit, 0, -1, 1, limit - 1, -(limit / 7)};
  int128 u = 0;
  if (row < edges.size()) {
    u = edges[row];
  } else if (h % 6 == 0) {
    u = edges[(h >> 8) % edges.size()];
  } else if (h % 6 == 1) {  // an integer: the writer scales it
    int128 bound = limit / pow10(c.scale);
    auto i =
        static_cast<int64_t>((h >> 8) % static_cast<uint64_t>(std::min<int128>(bound, INT64_MAX)));
    if ((h >> 60) & 1) i = -i;
    return {Value::int64(i), dec(static_cast<int128>(i) * pow10(c.scale), c.scale)};
  } else {
    // Uniform in [-limit, limit], in unsigned arithmetic (2 * limit may not fit int128).
    using u128 = unsigned __int128;
    auto wide = (static_cast<u128>(mix(h)) << 64) | mix(h + 1);
    auto ulimit = static_cast<u128>(limit);
    u = static_cast<int128>(wide % (ulimit * 2 + 1) - ulimit);
  }
  return same(dec(u, c.scale));
}

Cell temporal_cell(const ColumnSchema& c, uint64_t h, uint64_t row) {
  if (c.type == ColumnType::Date) {
    static const std::vector<int32_t> edges{-719162, -25567, -1, 0, 2932896, 19000};
    if (row < edges.size()) return same(Value::date(edges[row]));
    return same(Value::date(static_cast<int32_t>(h % 3700000) - 800000));
  }
  static const std::vector<int64_t> edges{-62135596800000000LL,
                                          -1,
                                          0,
                                          1700000000123456LL,
                                          253402300799999999LL,
                                          std::numeric_limits<int64_t>::min(),
                                          std::numeric_limits<int64_t>::max()};
  int64_t v =
      row < edges.size() ? edges[row] : static_cast<int64_t>(h % (1ULL << 60)) - (1LL << 59);
  if ((h >> 50) % 3 == 0) return {Value::datetime(v), Value::timestamp(v)};
  return same(Value::timestamp(v));
}

// Nullable columns: rows in blocks of 37 that are all null, all values, or mixed (RLE runs and
// bit-packed levels alike); the first 64 rows hold the edge values, never null.
bool is_null(const ColumnSchema& c, uint64_t row, size_t column, uint64_t salt) {
  if (!c.nullable || row < 64) return false;
  switch (cell_hash(row / 37, column, salt ^ 0x5555) % 4) {
    case 0:
      return true;
    case 1:
      return false;
    default:
      return cell_hash(row, column, salt ^ 0xaaaa) % 10 < 3;
  }
}

Cell model_cell(const ColumnSchema& c, uint64_t row, size_t column, uint64_t salt) {
  if (is_null(c, row, column, salt)) return same(Value());
  uint64_t h = cell_hash(row, column, salt);
  switch (c.type) {
    case ColumnType::Bool:
      return same(Value::boolean(row < 2 ? row == 0 : (h & 1) != 0));
    case ColumnType::Int32:
    case ColumnType::Int64:
      return integer_cell(c, h, row);
    case ColumnType::Double:
      return double_cell(h, row);
    case ColumnType::String:
    case ColumnType::Binary:
      return string_cell(c, h, row);
    case ColumnType::Decimal:
      return decimal_cell(c, h, row);
    case ColumnType::Date:
    case ColumnType::Timestamp:
      return temporal_cell(c, h, row);
  }
  return same(Value());
}

// ---- writing and reading ----

// Rows first .. first + rows - 1 of the model.
void write_model(const std::string& path, const std::vector<ColumnSchema>& schema, int64_t rows,
                 uint64_t salt, const ParquetOptions& options, int64_t first = 0) {
  ParquetWriter w(schema, options);
  require_ok(w.open(path));
  std::vector<Value> values(schema.size());
  std::vector<const Value*> ptrs(schema.size());
  for (int64_t r = first; r < first + rows; ++r) {
    for (size_t c = 0; c < schema.size(); ++c) {
      values[c] = model_cell(schema[c], static_cast<uint64_t>(r), c, salt).written;
      ptrs[c] = &values[c];
    }
    auto appended = w.append(ptrs);
    BOOST_REQUIRE_MESSAGE(appended.ok(), "row " << r << ": " << appended.err().describe());
  }
  require_ok(w.close());
}

bool same_value(const Value& a, const Value& b) {
  if (a.type() == Type::Float && b.type() == Type::Float) {
    // Bit for bit: NaN equals itself, -0.0 differs from 0.0.
    uint64_t x = 0;
    uint64_t y = 0;
    double dx = a.as_float();
    double dy = b.as_float();
    std::memcpy(&x, &dx, 8);
    std::memcpy(&y, &dy, 8);
    return x == y;
  }
  return a == b;
}

void check_schema(const std::vector<ColumnSchema>& got, const std::vector<ColumnSchema>& want) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST_CONTEXT("column " << want[i].name) {
      BOOST_TEST(got[i].name == want[i].name);
      BOOST_TEST(static_cast<int>(got[i].type) == static_cast<int>(want[i].type));
      BOOST_TEST(got[i].nullable == want[i].nullable);
      BOOST_TEST(got[i].precision == want[i].precision);
      BOOST_TEST(got[i].scale == want[i].scale);
    }
  }
}

// Reads path and compares every value with the model; f moves the values out as it goes.
void check_model(const std::string& path, const std::vector<ColumnSchema>& schema, int64_t rows,
                 uint64_t salt) {
  ParquetReader reader;
  require_ok(reader.open_file(path));
  check_schema(reader.columns(), schema);
  BOOST_REQUIRE_EQUAL(reader.rows(), rows);
  uint64_t row = 0;
  int64_t mismatches = 0;
  auto read = reader.read_rows([&](std::vector<Value>& values) -> result<void> {
    BOOST_REQUIRE_EQUAL(values.size(), schema.size());
    for (size_t c = 0; c < schema.size(); ++c) {
      Value got = std::move(values[c]);
      Value want = model_cell(schema[c], row, c, salt).read;
      bool ok = same_value(got, want) &&
                (got.type() != Type::Decimal || got.as_decimal().scale() == schema[c].scale);
      if (!ok && ++mismatches <= 10) {
        BOOST_ERROR("row " << row << " column " << schema[c].name << ": " << got.to_display()
                           << " (" << type_name(got.type()) << ") != " << want.to_display() << " ("
                           << type_name(want.type()) << ")");
      }
    }
    ++row;
    return {};
  });
  require_ok(read);
  BOOST_TEST(mismatches == 0);
  BOOST_TEST(row == static_cast<uint64_t>(rows));
}

void round_trip(const std::vector<ColumnSchema>& schema, int64_t rows, uint64_t salt,
                const ParquetOptions& options) {
  TempDir dir;
  std::string path = dir.file("t.parquet");
  write_model(path, schema, rows, salt, options);
  check_model(path, schema, rows, salt);
}

// ---- files made by hand from the writer's parts, to see what the reader refuses ----

// A DATA_PAGE (or another page type) header as ParquetColumnWriter writes one.
std::string page_header(int32_t type, int32_t size, int32_t num_values, int32_t encoding) {
  ParquetThrift t;
  t.struct_begin();
  t.i32_field(1, type);
  t.i32_field(2, size);
  t.i32_field(3, size);
  if (type == 0) {
    t.struct_field(5);
    t.struct_begin();
    t.i32_field(1, num_values);
    t.i32_field(2, encoding);
    t.i32_field(3, static_cast<int32_t>(parquet::Encoding::RLE));
    t.i32_field(4, static_cast<int32_t>(parquet::Encoding::RLE));
    t.struct_end();
  }
  t.struct_end();
  return t.str();
}

std::string with_footer(std::string file, const std::string& footer) {
  file += footer;
  parquet::put_le32(static_cast<int32_t>(footer.size()), file);
  file += "PAR1";
  return file;
}

// One required int32 column "x" of `rows` values in one page (header + body) after the magic.
std::string one_chunk_file(const std::string& page, int64_t rows,
                           parquet::Codec codec = parquet::Codec::UNCOMPRESSED) {
  std::vector<ColumnSchema> columns{{"x", ColumnType::Int32, 0, 0, false}};
  ParquetChunkMeta m;
  m.num_values = rows;
  m.total_compressed_size = m.total_uncompressed_size = static_cast<int64_t>(page.size());
  m.data_page_offset = 4;
  ParquetRowGroupMeta rg;
  rg.columns = {m};
  rg.num_rows = rows;
  rg.file_offset = 4;
  std::string footer = ParquetFooter(columns, codec).encode(rows, {rg});
  return with_footer("PAR1" + page, footer);
}

std::string int32_page(int32_t type, int32_t encoding, const std::vector<int32_t>& values) {
  std::string body;
  for (int32_t v : values) parquet::put_le32(v, body);
  return page_header(type, static_cast<int32_t>(body.size()), static_cast<int32_t>(values.size()),
                     encoding) +
         body;
}

// A footer whose schema is given: each element (type, repetition, name, num_children; -1:
// absent), no row groups.
struct Element {
  int32_t type, repetition;
  std::string name;
  int32_t children;
};

std::string schema_footer(const std::vector<Element>& elements) {
  ParquetThrift t;
  t.struct_begin();
  t.i32_field(1, 1);
  t.list_field(2, TType::T_STRUCT, static_cast<uint32_t>(elements.size()));
  for (const Element& e : elements) {
    t.struct_begin();
    if (e.type >= 0) t.i32_field(1, e.type);
    if (e.repetition >= 0) t.i32_field(3, e.repetition);
    t.binary_field(4, e.name);
    if (e.children >= 0) t.i32_field(5, e.children);
    t.struct_end();
  }
  t.i64_field(3, 0);
  t.list_field(4, TType::T_STRUCT, 0);
  t.struct_end();
  return with_footer("PAR1", t.str());
}

// open() fails with errc io and a message containing `text`.
void expect_refused(const std::string& file, const std::string& text) {
  ParquetReader r;
  auto opened = r.open(file);
  auto outcome = opened;
  if (opened.ok()) outcome = r.read_rows([](std::vector<Value>&) -> result<void> { return {}; });
  BOOST_REQUIRE_MESSAGE(!outcome.ok(), "accepted, expected: " << text);
  BOOST_TEST((outcome.err().code == make_error_code(errc::io)));
  BOOST_TEST(outcome.err().message.find(text) != std::string::npos,
             outcome.err().message << " does not say: " << text);
}

// ---- corrupt files ----

// Whether v is a value the reader may give for column c.
bool fits(const ColumnSchema& c, const Value& v) {
  if (v.is_null()) return c.nullable;
  switch (c.type) {
    case ColumnType::Bool:
      return v.type() == Type::Bool;
    case ColumnType::Int32:
      return v.type() == Type::Int && v.as_int() == static_cast<int32_t>(v.as_int());
    case ColumnType::Int64:
      return v.type() == Type::Int;
    case ColumnType::Double:
      return v.type() == Type::Float;
    case ColumnType::String:
      return v.type() == Type::String;
    case ColumnType::Binary:
      return v.type() == Type::Bytes;
    case ColumnType::Decimal:
      return v.type() == Type::Decimal && v.as_decimal().scale() == c.scale &&
             v.as_decimal().precision() <= c.precision;
    case ColumnType::Date:
      return v.type() == Type::Date;
    case ColumnType::Timestamp:
      return v.type() == Type::Timestamp;
  }
  return false;
}

struct Outcome {
  int errors = 0;
  int files = 0;  // read whole
};

// Opens and reads bytes: an errc io error, or rows whose values fit their columns.
void read_any(const std::string& bytes, Outcome& outcome) {
  ParquetReader r;
  auto opened = r.open(bytes);
  result<void> read = opened;
  if (opened.ok()) {
    int64_t rows = 0;
    read = r.read_rows([&](std::vector<Value>& row) -> result<void> {
      BOOST_REQUIRE_EQUAL(row.size(), r.columns().size());
      for (size_t c = 0; c < row.size(); ++c) {
        if (!fits(r.columns()[c], row[c])) {
          BOOST_ERROR("column " << r.columns()[c].name << ": " << row[c].to_display());
        }
      }
      ++rows;
      return {};
    });
    if (read.ok()) BOOST_TEST(rows == r.rows());
  }
  if (read.ok()) {
    ++outcome.files;
    return;
  }
  ++outcome.errors;
  BOOST_TEST((read.err().code == make_error_code(errc::io)));
  BOOST_TEST(read.err().message.rfind("parquet: ", 0) == 0, read.err().message);
}

std::string small_file(bool zstd) {
  TempDir dir;
  std::string path = dir.file("small.parquet");
  ParquetOptions options;
  options.zstd = zstd;
  options.row_group_rows = 7;
  options.page_bytes = 40;
  // Rows past the edge values: short strings, a small file.
  write_model(path, mixed_schema(), 20, 99, options, 100);
  return test::read_file(path);
}

BOOST_AUTO_TEST_SUITE(parquet_reader)

BOOST_AUTO_TEST_CASE(every_type_round_trips_with_nulls_row_groups_and_pages) {
  for (bool zstd : {true, false}) {
    BOOST_TEST_CONTEXT("zstd " << zstd) {
      ParquetOptions options;
      options.zstd = zstd;
      options.row_group_rows = 613;
      options.page_bytes = 300;
      round_trip(every_type_schema(), 3000, 1, options);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_row_group_per_row_and_a_page_per_value) {
  ParquetOptions options;
  options.row_group_rows = 1;
  options.page_bytes = 1;
  round_trip(every_type_schema(), 70, 2, options);
  options.zstd = false;
  round_trip(every_type_schema(), 70, 3, options);
}

BOOST_AUTO_TEST_CASE(two_hundred_thousand_rows_match_the_model) {
  ParquetOptions options;
  options.row_group_rows = 65536;
  options.page_bytes = int64_t{64} * 1024;
  round_trip(mixed_schema(), 200000, 4, options);
}

BOOST_AUTO_TEST_CASE(a_file_without_rows_has_its_schema) {
  round_trip(every_type_schema(), 0, 5, {});
}

BOOST_AUTO_TEST_CASE(reading_stops_at_the_callbacks_error_and_can_start_again) {
  TempDir dir;
  std::string path = dir.file("t.parquet");
  auto schema = every_type_schema();
  write_model(path, schema, 100, 6, {});
  ParquetReader r;
  require_ok(r.open_file(path));
  int calls = 0;
  auto read = r.read_rows([&](std::vector<Value>& row) -> result<void> {
    row.clear();  // the reader gives the next row its columns again
    if (++calls == 3) return error::permanent("enough");
    return {};
  });
  BOOST_REQUIRE(!read.ok());
  BOOST_TEST(read.err().message == "enough");
  BOOST_TEST(calls == 3);
  check_model(path, schema, 100, 6);  // a second reader; and this one reads again from the start
  int64_t rows = 0;
  require_ok(r.read_rows([&](std::vector<Value>&) -> result<void> {
    ++rows;
    return {};
  }));
  BOOST_TEST(rows == 100);
}

BOOST_AUTO_TEST_CASE(a_file_that_cannot_be_read_is_a_transient_io_error) {
  ParquetReader r;
  auto opened = r.open_file("/nonexistent/x.parquet");
  BOOST_REQUIRE(!opened.ok());
  BOOST_TEST((opened.err().code == make_error_code(errc::io)));
  BOOST_TEST((opened.err().kind == failure_kind::transient));
  BOOST_TEST(opened.err().message.find("/nonexistent/x.parquet") != std::string::npos);
  BOOST_TEST(!r.read_rows([](std::vector<Value>&) -> result<void> { return {}; }).ok());
}

BOOST_AUTO_TEST_CASE(what_the_writer_never_writes_is_refused) {
  const auto data = static_cast<int32_t>(parquet::PageType::DATA_PAGE);
  const auto plain = static_cast<int32_t>(parquet::Encoding::PLAIN);
  {  // the hand-made file itself is fine
    ParquetReader r;
    require_ok(r.open(one_chunk_file(int32_page(data, plain, {7, -8}), 2)));
    std::vector<Value> got;
    require_ok(r.read_rows([&](std::vector<Value>& row) -> result<void> {
      got.push_back(row[0]);
      return {};
    }));
    BOOST_TEST((got == std::vector<Value>{Value::int64(7), Value::int64(-8)}));
  }
  expect_refused("", "not a Parquet file");
  expect_refused("PAR1 this is not parquet PAR2", "not a Parquet file");
  std::string ok = one_chunk_file(int32_page(data, plain, {7}), 1);
  std::string long_footer = ok;
  long_footer[long_footer.size() - 6] = '\x7f';
  expect_refused(long_footer, "footer truncated");
  expect_refused(one_chunk_file(int32_page(2, plain, {7}), 1),
                 "unsupported page type 2 (DICTIONARY_PAGE)");
  expect_refused(one_chunk_file(int32_page(3, plain, {7}), 1),
                 "unsupported page type 3 (DATA_PAGE_V2)");
  expect_refused(one_chunk_file(int32_page(data, 8, {7}), 1),
                 "column 'x': unsupported encoding 8 (RLE_DICTIONARY)");
  expect_refused(one_chunk_file(int32_page(data, plain, {7}), 1, static_cast<parquet::Codec>(1)),
                 "unsupported codec 1 (SNAPPY) in column 'x' of row group 0");
  expect_refused(one_chunk_file(int32_page(data, plain, {7, 8}), 1), "values where the chunk has");
  expect_refused(schema_footer({{-1, -1, "schema", 1}, {-1, 1, "g", 1}, {1, 1, "x", -1}}),
                 "nested schemas are not supported");
  expect_refused(schema_footer({{-1, -1, "schema", 1}, {-1, 1, "g", 0}}),
                 "column 'g' is a group: nested schemas are not supported");
  expect_refused(schema_footer({{-1, -1, "schema", 1}, {1, 2, "x", -1}}),
                 "column 'x' has repetition type 2");
  expect_refused(schema_footer({{-1, -1, "schema", 1}, {3, 1, "x", -1}}),
                 "column 'x' has type 3 (INT96)");
  expect_refused(schema_footer({{-1, -1, "schema", 2}, {1, 1, "x", -1}, {1, 1, "x", -1}}),
                 "column name 'x' is empty or appears twice");
  expect_refused(schema_footer({{-1, -1, "schema", 0}}), "the schema has no columns");
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupted_files_give_an_error_or_rows) {
  std::mt19937_64 rng(20240601);
  for (bool zstd : {true, false}) {
    BOOST_TEST_CONTEXT("zstd " << zstd) {
      std::string file = small_file(zstd);
      Outcome whole;
      read_any(file, whole);
      BOOST_REQUIRE_EQUAL(whole.files, 1);
      Outcome prefixes, cuts, flips;
      for (size_t n = 0; n < file.size(); ++n) read_any(file.substr(0, n), prefixes);
      // One byte taken out anywhere: the footer still at the end, everything before it moved.
      for (size_t i = 0; i < file.size(); ++i)
        read_any(file.substr(0, i) + file.substr(i + 1), cuts);
      for (int i = 0; i < 3000; ++i) {
        std::string bad = file;
        for (uint64_t k = 0, n = 1 + rng() % 3; k < n; ++k) {
          bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
        }
        read_any(bad, flips);
      }
      BOOST_TEST(prefixes.files == 0);
      BOOST_TEST(cuts.errors > 0);
      BOOST_TEST(flips.errors > 0);
      BOOST_TEST_MESSAGE("zstd " << zstd << ": " << file.size() << " bytes; byte cuts "
                                 << cuts.errors << " errors, " << cuts.files << " read; flips "
                                 << flips.errors << " errors, " << flips.files << " read");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace parquet_reader_test
