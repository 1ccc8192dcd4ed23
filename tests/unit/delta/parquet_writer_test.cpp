// ParquetWriter (sink delta's Parquet files) read back with a real reader, DuckDB
// (tests/duckdb/query.mjs): every column type with nulls and edge values, value by value as
// text; the schema's physical, logical and converted types; row groups, pages, statistics and
// aggregates of 300,000 rows with zstd and uncompressed; rejected rows leave nothing behind;
// required columns without definition levels.
#include "operators/delta/parquet_writer.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "base/value.h"
#include "operators/delta/errc.h"
#include "support/duckdb_query.h"
#include "support/process.h"

namespace parquet_writer_test {

using namespace sluice;
using namespace sluice::operators::delta;
using sluice::test::TempDir;

using Row = std::map<std::string, std::string>;  // column -> text ("NULL" for null)

void require_duckdb() {
  BOOST_REQUIRE_MESSAGE(test::duckdb_installed(),
                        "the DuckDB reader is not installed: run npm ci --prefix tests/duckdb");
}

std::string text_of(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.type() == Type::String) return v.as_string();
  return v.to_display();
}

// The rows of sql, every value as text.
std::vector<Row> query(const std::string& sql) {
  Value rows = test::duckdb_query(sql);
  std::vector<Row> out;
  for (const Value& r : rows.as_list()) {
    Row row;
    for (const Field& f : r.as_object().fields()) row[sym_name(f.name)] = text_of(f.value);
    out.push_back(std::move(row));
  }
  return out;
}

Value dec(const char* text) { return Value::decimal(*Decimal::parse(text)); }

// Pointers to a row of Values, as append() takes them.
std::vector<const Value*> ptrs(const std::vector<Value>& values) {
  std::vector<const Value*> out;
  for (const Value& v : values) out.push_back(&v);
  return out;
}

void append_ok(ParquetWriter& w, const std::vector<Value>& values) {
  auto r = w.append(ptrs(values));
  if (!r.ok()) BOOST_FAIL(r.err().describe());
}

void require_ok(const result<void>& r) { BOOST_REQUIRE_MESSAGE(r.ok(), r.err().describe()); }

std::string read_parquet(const std::string& path) {
  return "read_parquet('" + path + "', file_row_number = true)";
}

// ---- (1) every column type ----

std::vector<ColumnSchema> every_type() {
  return {{"b", ColumnType::Bool},
          {"i32", ColumnType::Int32},
          {"i64", ColumnType::Int64},
          {"f", ColumnType::Double},
          {"s", ColumnType::String},
          {"bin", ColumnType::Binary},
          {"d5", ColumnType::Decimal, 5, 2},
          {"d18", ColumnType::Decimal, 18, 4},
          {"d20", ColumnType::Decimal, 20, 3},
          {"d38", ColumnType::Decimal, 38, 10},
          {"dt", ColumnType::Date},
          {"ts", ColumnType::Timestamp}};
}

// Three rows: edge values, nulls, and values of the other accepted Value types.
std::vector<std::vector<Value>> every_type_rows() {
  const int64_t i64_min = std::numeric_limits<int64_t>::min();
  return {
      {Value::boolean(true), Value::int64(-2147483648LL), Value::int64(i64_min),
       Value::float64(-1.5), Value::string(""), Value::bytes(std::string("a\0b", 3)),
       dec("-123.45"), dec("12345678901234.5678"), dec("-12345678901234567.891"),
       dec("9999999999999999999999999999.9999999999"), Value::date(-25567),
       Value::timestamp(1700000000123456)},
      {Value::null(), Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(),
       Value(), Value(), Value()},
      {Value::boolean(false), Value::uint64(2147483647), Value::uint64(INT64_MAX), Value::int64(3),
       Value::string("héllo ✓ 日本"), Value::string("xyz"), Value::int64(7), dec("-0.5"),
       dec("0.001"), dec("-9999999999999999999999999999.9999999999"), Value::date(-1),
       Value::datetime(-1)},
  };
}

// What DuckDB shows of every_type_rows(), cast to VARCHAR (timestamps as epoch microseconds).
std::vector<Row> every_type_expected() {
  return {
      {{"b", "true"},
       {"i32", "-2147483648"},
       {"i64", "-9223372036854775808"},
       {"f", "-1.5"},
       {"s", ""},
       {"bin", "a\\x00b"},
       {"d5", "-123.45"},
       {"d18", "12345678901234.5678"},
       {"d20", "-12345678901234567.891"},
       {"d38", "9999999999999999999999999999.9999999999"},
       {"dt", "1900-01-01"},
       {"ts", "1700000000123456"}},
      {{"b", "NULL"},
       {"i32", "NULL"},
       {"i64", "NULL"},
       {"f", "NULL"},
       {"s", "NULL"},
       {"bin", "NULL"},
       {"d5", "NULL"},
       {"d18", "NULL"},
       {"d20", "NULL"},
       {"d38", "NULL"},
       {"dt", "NULL"},
       {"ts", "NULL"}},
      {{"b", "false"},
       {"i32", "2147483647"},
       {"i64", "9223372036854775807"},
       {"f", "3.0"},
       {"s", "héllo ✓ 日本"},
       {"bin", "xyz"},
       {"d5", "7.00"},
       {"d18", "-0.5000"},
       {"d20", "0.001"},
       {"d38", "-9999999999999999999999999999.9999999999"},
       {"dt", "1969-12-31"},
       {"ts", "-1"}},
  };
}

std::string every_type_select(const std::string& path) {
  std::string sql = "SELECT ";
  for (const auto& c : every_type()) {
    std::string e = c.type == ColumnType::Timestamp ? "epoch_us(" + c.name + ")" : c.name;
    sql += "CAST(" + e + " AS VARCHAR) AS " + c.name + ", ";
  }
  return sql + "file_row_number FROM " + read_parquet(path) + " ORDER BY file_row_number";
}

void check_every_type_values(const std::string& path) {
  auto rows = query(every_type_select(path));
  auto expected = every_type_expected();
  BOOST_REQUIRE_EQUAL(rows.size(), expected.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const auto& [column, text] : expected[r]) {
      BOOST_TEST(rows[r][column] == text,
                 "row " << r << " column " << column << ": " << rows[r][column] << " != " << text);
    }
  }
}

void check_every_type_schema(const std::string& path) {
  std::map<std::string, std::string> types;
  for (auto& r : query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " +
                       read_parquet(path) + ")")) {
    types[r["column_name"]] = r["column_type"];
  }
  std::map<std::string, std::string> want{
      {"b", "BOOLEAN"},          {"i32", "INTEGER"},       {"i64", "BIGINT"},
      {"f", "DOUBLE"},           {"s", "VARCHAR"},         {"bin", "BLOB"},
      {"d5", "DECIMAL(5,2)"},    {"d18", "DECIMAL(18,4)"}, {"d20", "DECIMAL(20,3)"},
      {"d38", "DECIMAL(38,10)"}, {"dt", "DATE"},           {"ts", "TIMESTAMP WITH TIME ZONE"}};
  for (const auto& [column, type] : want) BOOST_TEST(types[column] == type, column);
}

// parquet_schema(): physical types, lengths, converted and logical types.
void check_every_type_parquet_schema(const std::string& path) {
  std::map<std::string, Row> schema;
  for (auto& r : query("SELECT * FROM parquet_schema('" + path + "')")) schema[r["name"]] = r;
  BOOST_TEST(schema["schema"]["num_children"] == "12");
  BOOST_TEST(schema["b"]["repetition_type"] == "OPTIONAL");
  BOOST_TEST(schema["s"]["converted_type"] == "UTF8");
  BOOST_TEST(schema["s"]["logical_type"] == "StringType()");
  BOOST_TEST(schema["d5"]["type"] == "INT32");
  BOOST_TEST(schema["d18"]["type"] == "INT64");
  BOOST_TEST(schema["d20"]["type"] == "FIXED_LEN_BYTE_ARRAY");
  BOOST_TEST(schema["d20"]["type_length"] == "9");
  BOOST_TEST(schema["d38"]["type_length"] == "16");
  BOOST_TEST(schema["d38"]["converted_type"] == "DECIMAL");
  BOOST_TEST(schema["d38"]["precision"] == "38");
  BOOST_TEST(schema["d38"]["scale"] == "10");
  BOOST_TEST(schema["d38"]["logical_type"] == "DecimalType(scale=10, precision=38)");
  BOOST_TEST(schema["dt"]["logical_type"] == "DateType()");
  BOOST_TEST(schema["ts"]["converted_type"] == "TIMESTAMP_MICROS");
  BOOST_TEST(schema["ts"]["logical_type"].find("isAdjustedToUTC=1") != std::string::npos);
  BOOST_TEST(schema["ts"]["logical_type"].find("MICROS=MicroSeconds()") != std::string::npos);
  BOOST_TEST(schema["i64"]["logical_type"].find("IntType(") == 0);
}

void check_every_type_stats(const ParquetWriter& w) {
  const auto& s = w.stats();
  BOOST_REQUIRE_EQUAL(s.size(), 12u);
  for (const auto& c : s) BOOST_TEST(c.null_count == 1);
  BOOST_TEST((s[0].min == Value::boolean(false)));
  BOOST_TEST((s[0].max == Value::boolean(true)));
  BOOST_TEST((s[1].min == Value::int64(-2147483648LL)));
  BOOST_TEST((s[2].max == Value::int64(INT64_MAX)));
  BOOST_TEST((s[3].min == Value::float64(-1.5)));
  BOOST_TEST((s[3].max == Value::float64(3)));
  BOOST_TEST((s[4].min == Value::string("")));
  BOOST_TEST((s[4].max == Value::string("héllo ✓ 日本")));
  BOOST_TEST(s[5].min.is_null());  // Binary: never
  BOOST_TEST(s[6].min.to_display() == "-123.45");
  BOOST_TEST(s[6].max.to_display() == "7.00");
  BOOST_TEST(s[9].min.to_display() == "-9999999999999999999999999999.9999999999");
  BOOST_TEST((s[10].min == Value::date(-25567)));
  BOOST_TEST((s[11].min == Value::timestamp(-1)));
  BOOST_TEST((s[11].max == Value::timestamp(1700000000123456)));
}

BOOST_AUTO_TEST_SUITE(parquet_writer)

BOOST_AUTO_TEST_CASE(every_type_reads_back_in_duckdb) {
  require_duckdb();
  for (bool zstd : {true, false}) {
    BOOST_TEST_CONTEXT("zstd " << zstd) {
      TempDir dir;
      std::string path = dir.file("every_type.parquet");
      ParquetOptions options;
      options.zstd = zstd;
      ParquetWriter w(every_type(), options);
      require_ok(w.open(path));
      for (const auto& row : every_type_rows()) append_ok(w, row);
      BOOST_TEST(w.rows() == 3);
      require_ok(w.close());
      check_every_type_values(path);
      check_every_type_schema(path);
      check_every_type_parquet_schema(path);
      check_every_type_stats(w);
    }
  }
}

// ---- (2) many rows: row groups, pages, statistics, aggregates ----

constexpr int64_t kRows = 300000;
constexpr int64_t kGroupRows = 100000;

std::vector<ColumnSchema> many_columns() {
  return {{"id", ColumnType::Int64, 0, 0, false}, {"amount", ColumnType::Decimal, 18, 2},
          {"name", ColumnType::String},           {"flag", ColumnType::Bool},
          {"score", ColumnType::Double},          {"day", ColumnType::Date},
          {"nothing", ColumnType::Int64}};
}

// Row i: amount null every 7th row (short runs: bit-packed levels), name null in runs of 50
// (RLE runs), nothing always null (pages of nulls only). many_rows_sql() says the same in SQL.
std::vector<Value> many_row(int64_t i) {
  Value amount = i % 7 == 3 ? Value() : Value::decimal(Decimal((i * 7919) % 2000003 - 1000000, 2));
  Value name = (i / 50) % 4 == 0 ? Value() : Value::string("n" + std::to_string(i % 1000));
  return {Value::int64(i),
          amount,
          name,
          Value::boolean(i % 3 == 0),
          Value::float64(static_cast<double>(i) * 0.5 - 1000),
          Value::date(i % 40000 - 20000),
          Value()};
}

// Per row group: the min, max and null count of every column, as DuckDB's parquet_metadata()
// shows them.
struct GroupModel {
  std::map<std::string, Value> min, max;
  std::map<std::string, int64_t> nulls;
};

std::vector<GroupModel> many_model() {
  std::vector<GroupModel> groups(kRows / kGroupRows);
  auto names = many_columns();
  for (int64_t i = 0; i < kRows; ++i) {
    GroupModel& g = groups[i / kGroupRows];
    auto row = many_row(i);
    for (size_t c = 0; c < names.size(); ++c) {
      const std::string& n = names[c].name;
      if (row[c].is_null()) {
        ++g.nulls[n];
        continue;
      }
      if (!g.min.count(n) || Value::compare(row[c], g.min[n]) < 0) g.min[n] = row[c];
      if (!g.max.count(n) || Value::compare(row[c], g.max[n]) > 0) g.max[n] = row[c];
    }
  }
  return groups;
}

void write_many(const std::string& path, bool zstd) {
  ParquetOptions options;
  options.row_group_rows = kGroupRows;
  options.page_bytes = 4096;
  options.zstd = zstd;
  ParquetWriter w(many_columns(), options);
  require_ok(w.open(path));
  for (int64_t i = 0; i < kRows; ++i) append_ok(w, many_row(i));
  int64_t estimate = w.bytes();
  require_ok(w.close());
  BOOST_TEST(w.rows() == kRows);
  BOOST_TEST(estimate > 0);
  BOOST_TEST(w.bytes() == static_cast<int64_t>(std::filesystem::file_size(path)));
  const auto& s = w.stats();
  BOOST_TEST((s[0].min == Value::int64(0)));
  BOOST_TEST((s[0].max == Value::int64(kRows - 1)));
  BOOST_TEST(s[0].null_count == 0);
  BOOST_TEST(s[2].null_count == kRows / 4);
  BOOST_TEST((s[5].min == Value::date(-20000)));
  BOOST_TEST(s[6].null_count == kRows);
  BOOST_TEST(s[6].min.is_null());
}

void check_many_metadata(const std::string& path, bool zstd) {
  auto rows = query(
      "SELECT row_group_id, row_group_num_rows, path_in_schema, num_values, stats_min_value, "
      "stats_max_value, stats_null_count, compression, encodings FROM parquet_metadata('" +
      path + "') ORDER BY row_group_id, column_id");
  auto model = many_model();
  auto columns = many_columns();
  BOOST_REQUIRE_EQUAL(rows.size(), model.size() * columns.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    Row& r = rows[k];
    const GroupModel& g = model[k / columns.size()];
    const std::string& n = columns[k % columns.size()].name;
    BOOST_TEST_CONTEXT("row group " << r["row_group_id"] << " column " << n) {
      BOOST_TEST(r["row_group_id"] == std::to_string(k / columns.size()));
      BOOST_TEST(r["row_group_num_rows"] == std::to_string(kGroupRows));
      BOOST_TEST(r["path_in_schema"] == n);
      BOOST_TEST(r["num_values"] == std::to_string(kGroupRows));
      BOOST_TEST(r["compression"] == (zstd ? "ZSTD" : "UNCOMPRESSED"));
      BOOST_TEST(r["encodings"] == "PLAIN, RLE");
      BOOST_TEST(r["stats_min_value"] == (g.min.count(n) ? text_of(g.min.at(n)) : "NULL"));
      BOOST_TEST(r["stats_max_value"] == (g.max.count(n) ? text_of(g.max.at(n)) : "NULL"));
      auto nulls = g.nulls.count(n) ? g.nulls.at(n) : 0;
      BOOST_TEST(r["stats_null_count"] == std::to_string(nulls));
    }
  }
}

void check_many_aggregates(const std::string& path) {
  Decimal amount_sum;
  int64_t amounts = 0, names = 0, flags = 0, id_sum = 0, day_sum = 0;
  double score_sum = 0;
  std::set<std::string> distinct_names;
  for (int64_t i = 0; i < kRows; ++i) {
    auto row = many_row(i);
    id_sum += i;
    if (!row[1].is_null()) {
      amount_sum = *amount_sum.add(row[1].as_decimal());
      ++amounts;
    }
    if (!row[2].is_null()) {
      ++names;
      distinct_names.insert(row[2].as_string());
    }
    if (row[3].as_bool()) ++flags;
    score_sum += row[4].as_float();
    day_sum += row[5].as_date();
  }
  auto r = query(
      "SELECT count(*)::VARCHAR n, count(amount)::VARCHAR amounts, sum(amount)::VARCHAR "
      "amount_sum, count(name)::VARCHAR name_count, sum(id)::VARCHAR id_sum, "
      "sum(flag::INT)::VARCHAR flags, sum(score)::VARCHAR score_sum, "
      "sum(day - DATE '1970-01-01')::VARCHAR day_sum, count(DISTINCT name)::VARCHAR distinct_names "
      "FROM " +
      read_parquet(path));
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST(r[0]["n"] == std::to_string(kRows));
  BOOST_TEST(r[0]["amounts"] == std::to_string(amounts));
  BOOST_TEST(r[0]["amount_sum"] == amount_sum.to_string());
  BOOST_TEST(r[0]["name_count"] == std::to_string(names));
  BOOST_TEST(r[0]["id_sum"] == std::to_string(id_sum));
  BOOST_TEST(r[0]["flags"] == std::to_string(flags));
  BOOST_TEST(std::stod(r[0]["score_sum"]) == score_sum);  // halves: exact in any order
  BOOST_TEST(r[0]["day_sum"] == std::to_string(day_sum));
  BOOST_TEST(r[0]["distinct_names"] == std::to_string(distinct_names.size()));
}

// How many rows of the file differ from many_row(i), i being the row's place in the file.
std::string many_rows_differing_sql(const std::string& path) {
  return "SELECT count(*)::VARCHAR bad FROM " + read_parquet(path) +
         " WHERE id <> file_row_number"
         " OR (amount IS NULL) <> (id % 7 = 3) OR amount * 100 <> (id * 7919) % 2000003 - 1000000"
         " OR (name IS NULL) <> ((id // 50) % 4 = 0) OR name <> 'n' || (id % 1000)::VARCHAR"
         " OR flag IS NULL OR flag <> (id % 3 = 0) OR score <> id * 0.5 - 1000"
         " OR day <> DATE '1970-01-01' + (id % 40000 - 20000)::INT OR nothing IS NOT NULL";
}

BOOST_AUTO_TEST_CASE(row_groups_statistics_and_aggregates_of_300000_rows) {
  require_duckdb();
  for (bool zstd : {true, false}) {
    BOOST_TEST_CONTEXT("zstd " << zstd) {
      TempDir dir;
      std::string path = dir.file("many.parquet");
      write_many(path, zstd);
      check_many_metadata(path, zstd);
      check_many_aggregates(path);
      // Pages were cut at about 4 KiB: many pages a chunk, every row read back in its place.
      BOOST_TEST(query(many_rows_differing_sql(path)).at(0)["bad"] == "0");
    }
  }
}

// ---- (3) rejected rows ----

std::vector<ColumnSchema> error_columns() {
  return {{"id", ColumnType::Int64, 0, 0, false},
          {"amount", ColumnType::Decimal, 5, 2},
          {"small", ColumnType::Int32},
          {"note", ColumnType::String}};
}

void expect_error(ParquetWriter& w, const std::vector<Value>& values, errc code,
                  const std::string& in_message) {
  auto r = w.append(ptrs(values));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().code == error_code(code)), r.err().describe());
  BOOST_TEST(r.err().message.find(in_message) != std::string::npos, r.err().message);
}

BOOST_AUTO_TEST_CASE(rejected_rows_leave_nothing_in_the_file) {
  require_duckdb();
  TempDir dir;
  std::string path = dir.file("errors.parquet");
  ParquetWriter w(error_columns());
  require_ok(w.open(path));
  append_ok(w, {Value::int64(1), dec("123.45"), Value::int64(5), Value::string("first")});
  // Too many digits, a dropped non-zero digit, a float: the decimal column.
  expect_error(w, {Value::int64(2), dec("1234.5"), Value(), Value()}, errc::decimal_overflow,
               "column 'amount' (decimal(5, 2)): decimal value");
  expect_error(w, {Value::int64(2), dec("1.234"), Value(), Value()}, errc::decimal_overflow,
               "'amount'");
  expect_error(w, {Value::int64(2), Value::float64(1.5), Value(), Value()}, errc::type_mismatch,
               "float value");
  // A string into int64, a null into NOT NULL, int32 out of range; later columns are good.
  expect_error(w, {Value::string("3"), dec("1"), Value(), Value::string("x")}, errc::type_mismatch,
               "column 'id' (int64 not null): string value");
  expect_error(w, {Value(), dec("1"), Value(), Value::string("x")}, errc::null_in_required,
               "column 'id'");
  expect_error(w, {Value::int64(4), dec("1"), Value::int64(1LL << 31), Value::string("x")},
               errc::type_mismatch, "column 'small' (int32)");
  expect_error(w, {Value::int64(4), dec("999.99"), Value(), Value::int64(1)}, errc::type_mismatch,
               "column 'note'");
  append_ok(w, {Value::int64(9), dec("-999.9"), Value(), Value()});
  BOOST_TEST(w.rows() == 2);
  require_ok(w.close());
  // The statistics saw only the good rows.
  BOOST_TEST(w.stats()[1].max.to_display() == "123.45");
  BOOST_TEST(w.stats()[1].min.to_display() == "-999.90");
  BOOST_TEST(w.stats()[3].null_count == 1);
  auto rows = query(
      "SELECT id::VARCHAR id, amount::VARCHAR amount, small::VARCHAR small, note "
      "FROM " +
      read_parquet(path) + " ORDER BY file_row_number");
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_TEST(rows[0]["id"] == "1");
  BOOST_TEST(rows[0]["amount"] == "123.45");
  BOOST_TEST(rows[0]["small"] == "5");
  BOOST_TEST(rows[0]["note"] == "first");
  BOOST_TEST(rows[1]["id"] == "9");
  BOOST_TEST(rows[1]["amount"] == "-999.90");
  BOOST_TEST(rows[1]["small"] == "NULL");
}

BOOST_AUTO_TEST_CASE(a_bad_schema_is_refused_at_open) {
  TempDir dir;
  ParquetWriter w({{"d", ColumnType::Decimal, 39, 2}});
  auto r = w.open(dir.file("bad.parquet"));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().code == error_code(errc::type_mismatch)));
  ParquetWriter twice({{"a", ColumnType::Int64}, {"a", ColumnType::String}});
  BOOST_TEST(!twice.open(dir.file("twice.parquet")).ok());
}

// ---- (4) required columns ----

BOOST_AUTO_TEST_CASE(required_columns_have_no_definition_levels) {
  require_duckdb();
  TempDir dir;
  std::string path = dir.file("required.parquet");
  std::vector<ColumnSchema> columns{{"id", ColumnType::Int32, 0, 0, false},
                                    {"active", ColumnType::Bool, 0, 0, false},
                                    {"label", ColumnType::String, 0, 0, false},
                                    {"price", ColumnType::Decimal, 30, 5, false}};
  ParquetOptions options;
  options.page_bytes = 256;  // many pages, booleans packed across page ends
  ParquetWriter w(columns, options);
  require_ok(w.open(path));
  for (int i = 0; i < 1000; ++i) {
    append_ok(w, {Value::int64(i), Value::boolean(i % 3 == 1), Value::string(std::to_string(i)),
                  Value::decimal(Decimal(static_cast<__int128>(i) * 1000003 - 500000000, 5))});
  }
  require_ok(w.close());
  for (auto& r :
       query("SELECT repetition_type FROM parquet_schema('" + path + "') WHERE name <> 'schema'")) {
    BOOST_TEST(r["repetition_type"] == "REQUIRED");
  }
  auto agg = query(
      "SELECT count(*)::VARCHAR n, sum(id)::VARCHAR ids, sum(active::INT)::VARCHAR actives, "
      "sum(label::INT)::VARCHAR labels, sum(price)::VARCHAR prices, "
      "min(price)::VARCHAR lo FROM " +
      read_parquet(path));
  BOOST_TEST(agg.at(0)["n"] == "1000");
  BOOST_TEST(agg.at(0)["ids"] == "499500");
  BOOST_TEST(agg.at(0)["actives"] == "333");
  BOOST_TEST(agg.at(0)["labels"] == "499500");
  // sum(i * 1000003 - 500000000) / 10^5 over i < 1000
  BOOST_TEST(agg.at(0)["prices"] == "-4985.01500");
  BOOST_TEST(agg.at(0)["lo"] == "-5000.00000");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace parquet_writer_test
