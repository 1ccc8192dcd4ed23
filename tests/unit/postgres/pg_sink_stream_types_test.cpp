// The streaming path (COPY into staging, INSERT ... ON CONFLICT, DELETE ... USING) writes
// exactly what the snapshot path (COPY straight into the target) writes, for every type the
// sink maps, including values array literals and COPY must escape; composite-key deletes.
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "base/temporal.h"
#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {
Value dec(const char* s) { return Value::decimal(*Decimal::parse(s)); }

std::shared_ptr<const SourceMeta> typed_meta(const std::string& table) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "test";
  m->table = table;
  m->primary_key = {"id", "region"};
  m->column_names = {"id",  "region", "amount", "big", "f",   "note", "tags", "blob",
                     "day", "t",      "dt",     "ts",  "doc", "flag", "st"};
  m->column_types = {"bigint", "varchar(20)", "decimal(38,10)",   "bigint unsigned",
                     "double", "text",        "set('a','b','c')", "blob",
                     "date",   "time(6)",     "datetime(6)",      "timestamp(6)",
                     "json",   "bool",        "enum('x','y')"};
  return m;
}

// Rows with every type, including the characters array literals and COPY escape.
std::vector<Object> tricky_rows() {
  std::vector<Object> rows;
  const char* strings[] = {"plain", "a\"b\\c{d},e", "NULL", "", "tab\there\nnew é 'q'"};
  for (int i = 0; i < 5; ++i) {
    Object j;
    j.append(intern("k"), Value::string(strings[i]));
    j.append(intern("n"), dec("-1.50"));
    Value tags = i == 3 ? Value::list(std::vector<Value>{})
                        : Value::list({Value::string("a"), Value::string(i == 1 ? "c\"," : "b")});
    rows.push_back(
        row({{"id", Value::int64(i - 2)},
             {"region", Value::string(strings[(i + 1) % 5])},
             {"amount", dec(i % 2 ? "-1234567890123456789012345678.1234567890" : "0.0000000001")},
             {"big", Value::uint64(18446744073709551615ULL - i)},
             {"f", Value::float64(i == 0 ? 0.1 : 1e300)},
             {"note", i == 4 ? Value::null() : Value::string(strings[i])},
             {"tags", tags},
             {"blob", Value::bytes(std::string("\x00\\\"{,}\xff", 7))},
             {"day", Value::date(*temporal::parse_date("2024-02-29"))},
             {"t", Value::time(*temporal::parse_time("-12:34:56.000001"))},
             {"dt", Value::datetime(*temporal::parse_datetime("1999-12-31 23:59:59.123456"))},
             {"ts", Value::timestamp(*temporal::parse_timestamp("2024-02-29T13:45:59.000001Z"))},
             {"doc", Value::object(j)},
             {"flag", Value::boolean(i % 2 == 0)},
             {"st", Value::string(i % 2 ? "x" : "y")}}));
  }
  return rows;
}

Event typed(Op op, Object r, int64_t pos, const std::string& table) {
  Event e = ev(op, std::move(r), pos, 1700000000000000 + pos);
  e.source = typed_meta(table);
  return e;
}

const char* kCompare =
    "SELECT id, region, amount::text, big::text, f::text, note, tags::text, encode(blob, 'hex'), "
    "day::text, t, to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US'), "
    "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), doc::text, flag::text, st, "
    "cdc_operation, to_char(cdc_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
    "cdc_position FROM ";
}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_stream_types)

BOOST_AUTO_TEST_CASE(streaming_rows_equal_copied_rows_for_every_type) {
  // by_copy: snapshot rows into a new table (direct COPY); by_stream: the same rows as
  // streaming creates (the upsert path), then updated with the same values.
  auto a = open_sink({.table = "by_copy", .metadata = true});
  auto b = open_sink({.table = "by_stream", .metadata = true});
  std::vector<Event> ea, eb, eu;
  auto rows = tricky_rows();
  for (size_t i = 0; i < rows.size(); ++i) {
    ea.push_back(typed(Op::Read, rows[i], 7, "by_copy"));
    eb.push_back(typed(Op::Create, rows[i], 3, "by_stream"));
    eu.push_back(typed(Op::Read, rows[i], 7, "by_stream"));
  }
  write_ok(*a, ea);
  write_ok(*b, eb);
  BOOST_TEST(a->stats().direct_copies == 1u);
  BOOST_TEST(b->stats().direct_copies == 0u);
  write_ok(*b, eu);  // the conflict path: DO UPDATE with every column
  BOOST_TEST(b->stats().direct_copies == 0u);
  BOOST_TEST(q("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
               "'by_stream'::regclass AND attname = 'tags'") == "text[]");
  std::string ca = q(std::string(kCompare) + "by_copy ORDER BY id");
  std::string cb = q(std::string(kCompare) + "by_stream ORDER BY id");
  BOOST_TEST(ca == cb);
  BOOST_TEST(q("SELECT count(*) FROM by_stream") == "5");
  // Exact values through the streaming path.
  BOOST_TEST(q("SELECT amount::text || '|' || big::text || '|' || f::text || '|' || "
               "tags::text || '|' || encode(blob, 'hex') FROM by_stream "
               "WHERE id = -1") ==
             "-1234567890123456789012345678.1234567890|18446744073709551614|1e+300|"
             "{a,\"c\\\",\"}|005c227b2c7dff");
  BOOST_TEST(q("SELECT region = E'a\"b\\\\c{d},e' FROM by_stream WHERE id = -2") == "t");
  BOOST_TEST(q("SELECT note IS NULL FROM by_stream WHERE id = 2") == "t");
  BOOST_TEST(q("SELECT tags = '{}'::text[], note = '' FROM by_stream WHERE id = 1") == "t|t");
  BOOST_TEST(q("SELECT note = E'a\"b\\\\c{d},e', doc->>'k' = note, doc->>'n' FROM by_stream "
               "WHERE id = -1") == "t|t|-1.50");
  BOOST_TEST(q("SELECT note, region FROM by_stream WHERE id = 0") == "NULL|");
  // Deletes by the composite key (strings with quotes, braces, commas, empty, "NULL").
  std::vector<Event> del;
  for (size_t i : {1u, 2u, 3u}) del.push_back(typed(Op::Delete, rows[i], 9, "by_stream"));
  write_ok(*b, del);
  BOOST_TEST(q("SELECT string_agg(id::text, ',' ORDER BY id) FROM by_stream") == "-2,2");
}

// Binary COPY (the default) stores exactly what text COPY stores, for every mapped type, on
// both paths (straight into the target, and through the staging table).
BOOST_AUTO_TEST_CASE(binary_copy_equals_text_copy_for_every_type) {
  auto bin = open_sink({.table = "bin_copy", .metadata = true});
  auto txt = open_sink({.table = "txt_copy", .metadata = true, .copy = "text"});
  auto bin_s = open_sink({.table = "bin_stream", .metadata = true});
  auto txt_s = open_sink({.table = "txt_stream", .metadata = true, .copy = "text"});
  auto rows = tricky_rows();
  for (auto* s : {&bin, &txt, &bin_s, &txt_s}) {
    std::string table = s == &bin     ? "bin_copy"
                        : s == &txt   ? "txt_copy"
                        : s == &bin_s ? "bin_stream"
                                      : "txt_stream";
    std::vector<Event> evs;
    Op op = (s == &bin || s == &txt) ? Op::Read : Op::Create;
    for (size_t i = 0; i < rows.size(); ++i) evs.push_back(typed(op, rows[i], 7, table));
    write_ok(**s, evs);
  }
  BOOST_TEST(bin->stats().direct_copies == 1u);
  BOOST_TEST(bin->stats().binary_copies == 1u);
  BOOST_TEST(bin_s->stats().binary_copies == 1u);
  BOOST_TEST(txt->stats().binary_copies == 0u);
  BOOST_TEST(txt_s->stats().binary_copies == 0u);
  std::string want = q(std::string(kCompare) + "txt_copy ORDER BY id");
  BOOST_TEST(want.find("-1234567890123456789012345678.1234567890") != std::string::npos);
  BOOST_TEST(q(std::string(kCompare) + "bin_copy ORDER BY id") == want);
  std::string want_s = q(std::string(kCompare) + "txt_stream ORDER BY id");  // cdc_operation c
  BOOST_TEST(q(std::string(kCompare) + "bin_stream ORDER BY id") == want_s);
  // Numerics around the base-10000 digit boundaries, negative, zero with a scale.
  auto num = open_sink({.table = "bin_num", .key = {"id"}});
  std::vector<Event> evs;
  const char* vals[] = {"0",
                        "0.00",
                        "-0.0001",
                        "10000",
                        "9999.9999",
                        "123456789.12345",
                        "-1.5",
                        "0.000010",
                        "1e-10",
                        "100000000000000000000000000000000000.01",
                        "-99999999999999999999999999999999999999"};
  for (int i = 0; i < 11; ++i) {
    evs.push_back(ev(Op::Create, row({{"id", Value::int64(i)}, {"n", dec(vals[i])}}), i));
  }
  write_ok(*num, evs);
  BOOST_TEST(num->stats().binary_copies == 1u);
  BOOST_TEST(q("SELECT string_agg(n::text, ' ' ORDER BY id) FROM bin_num") ==
             "0 0.00 -0.0001 10000 9999.9999 123456789.12345 -1.5 0.000010 0.0000000001 "
             "100000000000000000000000000000000000.01 -99999999999999999999999999999999999999");
}

// DECIMAL(65,30) and other values beyond 38 digits (the wide path) through binary COPY read
// back from numeric digit for digit, at every scale modulo 4 (base-10000 digit alignment).
BOOST_AUTO_TEST_CASE(binary_copy_of_wide_decimals_is_exact) {
  auto num = open_sink({.table = "bin_wide", .key = {"id"}});
  const std::vector<std::string> vals = {
      "99999999999999999999999999999999999.999999999999999999999999999999",
      "-99999999999999999999999999999999999.999999999999999999999999999999",
      "12345678901234567890123456789012345.123456789000000000000000000000",
      "1234567890123456789012345678901234567890.1",
      "-1234567890123456789012345678901234567890123.45",
      "12345678901234567890123456789012345678.901",
      "100000000000000000000000000000000000000000000000000000000000000000000000000",
      std::string(76, '9'),
      "-1.10000000000000000000000000000000000000"};  // 39 digits at scale 38
  std::vector<Event> evs;
  std::string want;
  for (size_t i = 0; i < vals.size(); ++i) {
    Value v = dec(vals[i].c_str());
    BOOST_REQUIRE(v.as_decimal().is_wide());
    evs.push_back(ev(Op::Create, row({{"id", Value::int64(static_cast<int64_t>(i))}, {"n", v}}),
                     static_cast<int64_t>(i)));
    want += (i ? " " : "") + vals[i];
  }
  write_ok(*num, evs);
  BOOST_TEST(num->stats().binary_copies == 1u);
  BOOST_TEST(q("SELECT string_agg(n::text, ' ' ORDER BY id) FROM bin_wide") == want);
  // And numeric's own arithmetic agrees that the values are what they say.
  BOOST_TEST(q("SELECT n + 0.000000000000000000000000000001 FROM bin_wide WHERE id = 1") ==
             "-99999999999999999999999999999999999.999999999999999999999999999998");
}

BOOST_AUTO_TEST_CASE(binary_prefix_then_text) {
  // Binary COPY data goes out in pieces while the rest is encoded; a value without an exact
  // binary form (a string for a bigint column) far into the batch ends the binary COPY there
  // and the rest goes by text COPY: every row arrives, on both paths.
  for (Op op : {Op::Read, Op::Create}) {
    const std::string table = op == Op::Read ? "bin_prefix_direct" : "bin_prefix_stage";
    auto s = open_sink({.table = table, .key = {"id"}});
    std::vector<Event> evs;
    for (int i = 0; i < 20000; ++i) {
      Value v = i == 15000 ? Value::string("15000") : Value::int64(i);
      evs.push_back(ev(op, row({{"id", Value::int64(i)}, {"v", v}, {"s", Value::string("x")}}), i));
    }
    write_ok(*s, evs);
    BOOST_TEST(s->stats().binary_copies == 1u);
    BOOST_TEST(s->stats().direct_copies == (op == Op::Read ? 1u : 0u));
    BOOST_TEST(q("SELECT count(*) || ' ' || sum(v) || ' ' || pg_typeof(min(v)) FROM " + table) ==
               "20000 199990000 bigint");
  }
}

BOOST_AUTO_TEST_SUITE_END()

// JSON kept in a TEXT column (schemas older than MySQL 5.7's JSON type), and a target column a
// DBA made jsonb or json for it: the document was written as a JSON string ("[1, 2.50]",
// jsonb_typeof 'string'). Now the text is the document, by snapshot COPY (text and binary) and
// by upsert; text that is no JSON is refused with the reason (22P02), not wrapped.
BOOST_AUTO_TEST_CASE(json_kept_in_text_goes_into_a_jsonb_column_as_the_document) {
  auto text_meta = [](const std::string& table) {
    auto m = std::make_shared<SourceMeta>();
    m->connector = "mysql";
    m->table = table;
    m->primary_key = {"id"};
    m->column_names = {"id", "doc", "raw"};
    m->column_types = {"int", "longtext", "json"};
    return m;
  };
  for (const char* copy : {"binary", "text"}) {
    const std::string table = std::string("json_text_") + copy;
    q("CREATE TABLE " + table + " (id bigint PRIMARY KEY, doc jsonb, raw json)");
    auto m = text_meta(table);
    auto put = [&](Op op, int64_t id, const char* doc, int64_t pos) {
      Event e = ev(op,
                   row({{"id", Value::int64(id)},
                        {"doc", Value::string(doc)},
                        {"raw", Value::string("a JSON string")}}),
                   pos);
      e.source = m;
      return e;
    };
    auto sink = open_sink({.table = table, .copy = copy});
    write_ok(*sink, {put(Op::Read, 1, "{\"a\": 1, \"b\": [1, 2]}", 1)});  // COPY into the table
    write_ok(*sink, {put(Op::Create, 2, "[1, 2.50]", 2), put(Op::Update, 1, "\"s\"", 3)});
    BOOST_TEST(q("SELECT string_agg(id || ' ' || jsonb_typeof(doc) || ' ' || doc || ' ' || raw, "
                 "' | ' ORDER BY id) FROM " +
                 table) ==
               "1 string \"s\" \"a JSON string\" | 2 array [1, 2.50] \"a JSON string\"");
    std::vector<Event> dead;
    std::vector<Event> bad = {put(Op::Create, 3, "not json", 4)};
    auto r = sink->write(bad, dead);
    BOOST_REQUIRE(r.ok());
    BOOST_REQUIRE_EQUAL(dead.size(), 1u);
    BOOST_TEST(dead[0].dead_letter->message.find("22P02") != std::string::npos);
  }
  // The snapshot row's document as it was written, before the update.
  q("CREATE TABLE json_text_snap (id bigint PRIMARY KEY, doc jsonb, raw json)");
  auto m = text_meta("json_text_snap");
  Event e = ev(Op::Read,
               row({{"id", Value::int64(1)},
                    {"doc", Value::string("{\"a\": 1}")},
                    {"raw", Value::list({Value::int64(1)})}}),
               1);
  e.source = m;
  auto sink = open_sink({.table = "json_text_snap"});
  write_ok(*sink, {e});
  BOOST_TEST(q("SELECT jsonb_typeof(doc) || ' ' || (doc ->> 'a') || ' ' || raw FROM "
               "json_text_snap") == "object 1 [1]");
}
