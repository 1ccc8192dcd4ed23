// The postgres sink against a private server: modes, exact types, DDL, snapshot COPY.
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "base/temporal.h"
#include "dsl/parser.h"
#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {
Value dec(const char* s) { return Value::decimal(*Decimal::parse(s)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_modes)

BOOST_AUTO_TEST_CASE(exact_types_round_trip) {
  auto sink = open_sink({.table = "types_rt", .key = {"id"}});
  Object nested;
  nested.append(intern("b"), Value::list({Value::int64(1), Value::string("x"), Value::null()}));
  Object j;
  j.append(intern("a"), Value::object(nested));
  j.append(intern("dec"), dec("1.50"));
  int64_t ts = *temporal::parse_timestamp("2024-02-29T13:45:59.000001Z");
  int64_t dt = *temporal::parse_datetime("1999-12-31 23:59:59.123456");
  write_ok(*sink, {ev(Op::Create,
                      row({{"id", Value::int64(1)},
                           {"d38", dec("12345678901234567890123456789012345678")},
                           {"d38s", dec("-1234567890123456789012345678.1234567890")},
                           {"price", dec("1.50")},
                           {"u", Value::uint64(18446744073709551615ULL)},
                           {"f", Value::float64(0.1)},
                           {"s", Value::string("tab\there\nnew \\ 'q' \"dq\" é")},
                           {"b", Value::bytes(std::string("\x00\x01\xff", 3))},
                           {"day", Value::date(*temporal::parse_date("2024-02-29"))},
                           {"t", Value::time(*temporal::parse_time("-838:59:59"))},
                           {"dt", Value::datetime(dt)},
                           {"ts", Value::timestamp(ts)},
                           {"j", Value::object(j)},
                           {"flag", Value::boolean(true)}}),
                      1)});
  // Column types chosen by create_tables.
  BOOST_TEST(q("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
               "FROM information_schema.columns WHERE table_name = 'types_rt'") ==
             "id:bigint,d38:numeric,d38s:numeric,price:numeric,u:numeric,f:double precision,"
             "s:text,b:bytea,day:date,t:text,dt:timestamp without time zone,ts:timestamp with "
             "time zone,j:jsonb,flag:boolean");
  BOOST_TEST(q("SELECT d38::text || '|' || d38s::text || '|' || price::text || '|' || u::text "
               "FROM types_rt") ==
             "12345678901234567890123456789012345678|-1234567890123456789012345678.1234567890|"
             "1.50|18446744073709551615");
  BOOST_TEST(q("SELECT f::text, encode(b, 'hex'), day::text, t, "
               "to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US'), "
               "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), j::text, flag "
               "FROM types_rt") ==
             "0.1|0001ff|2024-02-29|-838:59:59|1999-12-31 23:59:59.123456|"
             "2024-02-29 13:45:59.000001|{\"a\": {\"b\": [1, \"x\", null]}, \"dec\": 1.50}|t");
  BOOST_TEST(q("SELECT s = E'tab\\there\\nnew \\\\ ''q'' \"dq\" é' FROM types_rt") == "t");
  BOOST_TEST(q("SELECT array_to_string(array_agg(a.attname ORDER BY a.attname), ',') FROM "
               "pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = "
               "ANY(i.indkey) WHERE i.indrelid = 'types_rt'::regclass AND i.indisprimary") == "id");
  // NULLs overwrite values on update.
  write_ok(*sink, {ev(Op::Update,
                      row({{"id", Value::int64(1)},
                           {"d38", Value::null()},
                           {"ts", Value::null()},
                           {"j", Value::null()}}),
                      2)});
  BOOST_TEST(q("SELECT d38 IS NULL, ts IS NULL, j IS NULL, price::text FROM types_rt") ==
             "t|t|t|1.50");
}

BOOST_AUTO_TEST_CASE(upsert_collapses_per_key_and_deletes) {
  auto sink = open_sink({.table = "ups", .key = {"id"}});
  std::vector<Event> evs;
  for (int i = 1; i <= 5; ++i) {
    evs.push_back(ev(Op::Create, row({{"id", Value::int64(i)}, {"v", Value::string("a")}}), i));
  }
  evs.push_back(ev(Op::Update, row({{"id", Value::int64(2)}, {"v", Value::string("b")}}), 6));
  evs.push_back(ev(Op::Delete, row({{"id", Value::int64(3)}, {"v", Value::string("a")}}), 7));
  evs.push_back(ev(Op::Update, row({{"id", Value::int64(2)}, {"v", Value::string("c")}}), 8));
  evs.push_back(ev(Op::Delete, row({{"id", Value::int64(4)}, {"v", Value::string("a")}}), 9));
  evs.push_back(ev(Op::Create, row({{"id", Value::int64(4)}, {"v", Value::string("again")}}), 10));
  write_ok(*sink, evs);
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM ups") ==
             "1=a,2=c,4=again,5=a");
  // Next batch: update, delete, and a key change (id 5 -> 50).
  Event kc = ev(Op::Update, row({{"id", Value::int64(50)}, {"v", Value::string("moved")}}), 13);
  kc.before = row({{"id", Value::int64(5)}, {"v", Value::string("a")}});
  kc.has_before = true;
  write_ok(*sink,
           {ev(Op::Update, row({{"id", Value::int64(1)}, {"v", Value::string("z")}}), 11),
            ev(Op::Delete, row({{"id", Value::int64(2)}, {"v", Value::string("c")}}), 12), kc});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM ups") ==
             "1=z,4=again,50=moved");
  BOOST_TEST(sink->stats().transactions == 2u);
}

// issue 19: adaptive batching. Below `rows` and `delay` nothing is written at write(); when
// the engine says the input caught up (idle), the batch is written with its checkpoint row;
// `adaptive = false` keeps waiting.
BOOST_AUTO_TEST_CASE(idle_writes_the_pending_batch_when_adaptive) {
  for (bool adaptive : {true, false}) {
    const std::string t = adaptive ? "adaptive_on" : "adaptive_off";
    auto sink = open_sink(
        {.table = t, .key = {"id"}, .rows = 1000, .delay_us = 3600000000LL, .adaptive = adaptive});
    write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}}), 1),
                     ev(Op::Create, row({{"id", Value::int64(2)}}), 2)});
    BOOST_TEST(q("SELECT count(*) FROM pg_tables WHERE tablename = '" + t + "'") == "0");
    std::vector<Event> dead;
    BOOST_REQUIRE(sink->idle(dead).ok());
    BOOST_TEST(dead.empty());
    if (adaptive) {
      BOOST_TEST(q("SELECT count(*) FROM " + t) == "2");
      BOOST_TEST(sink->stats().transactions == 1u);
      BOOST_REQUIRE(sink->idle(dead).ok());  // nothing pending: no transaction
      BOOST_TEST(sink->stats().transactions == 1u);
    } else {
      BOOST_TEST(q("SELECT count(*) FROM pg_tables WHERE tablename = '" + t + "'") == "0");
      BOOST_REQUIRE(sink->checkpoint(1).ok());
      BOOST_TEST(q("SELECT count(*) FROM " + t) == "2");
    }
  }
}

BOOST_AUTO_TEST_CASE(append_mode_keeps_every_event_with_cdc_columns) {
  auto sink = open_sink({.table = "hist", .mode = "append"});
  int64_t ts = *temporal::parse_timestamp("2024-01-02T03:04:05.678901Z");
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}, {"v", Value::int64(10)}}), 1, ts),
                   ev(Op::Update, row({{"id", Value::int64(1)}, {"v", Value::int64(11)}}), 2, ts),
                   ev(Op::Delete, row({{"id", Value::int64(1)}, {"v", Value::int64(11)}}), 3, ts)});
  BOOST_TEST(q("SELECT string_agg(id || ':' || v || ':' || cdc_operation || ':' || cdc_position, "
               "',' ORDER BY cdc_position) FROM hist") == "1:10:c:1,1:11:u:2,1:11:d:3");
  BOOST_TEST(q("SELECT DISTINCT to_char(cdc_timestamp AT TIME ZONE 'UTC', "
               "'YYYY-MM-DD HH24:MI:SS.US') FROM hist") == "2024-01-02 03:04:05.678901");
  BOOST_TEST(q("SELECT count(*) FROM pg_index WHERE indrelid = 'hist'::regclass") == "0");
}

BOOST_AUTO_TEST_CASE(soft_delete_keeps_rows) {
  auto sink = open_sink({.table = "soft", .mode = "soft_delete", .key = {"id"}});
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}, {"v", Value::string("a")}}), 1),
                   ev(Op::Create, row({{"id", Value::int64(2)}, {"v", Value::string("b")}}), 2)});
  write_ok(*sink, {ev(Op::Delete, row({{"id", Value::int64(1)}, {"v", Value::string("a")}}), 3)});
  BOOST_TEST(q("SELECT string_agg(id || v || cdc_deleted, ',' ORDER BY id) FROM soft") ==
             "1atrue,2bfalse");
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}, {"v", Value::string("c")}}), 4)});
  BOOST_TEST(q("SELECT string_agg(id || v || cdc_deleted, ',' ORDER BY id) FROM soft") ==
             "1cfalse,2bfalse");
}

BOOST_AUTO_TEST_CASE(metadata_columns_and_source_primary_key) {
  auto sink = open_sink({.table = "meta_t", .metadata = true});
  int64_t ts = *temporal::parse_timestamp("2024-05-06T07:08:09.000010Z");
  Event e = ev(Op::Create, row({{"code", Value::string("A")}, {"n", Value::int64(1)}}), 42, ts);
  e.source = meta("meta_t", {"code"});
  Event u = ev(Op::Update, row({{"code", Value::string("A")}, {"n", Value::int64(2)}}), 43, ts);
  u.source = e.source;
  write_ok(*sink, {e});
  write_ok(*sink, {u});
  BOOST_TEST(q("SELECT code, n, cdc_operation, cdc_position, to_char(cdc_timestamp AT TIME ZONE "
               "'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM meta_t") ==
             "A|2|u|43|2024-05-06 07:08:09.000010");
  BOOST_TEST(q("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
               "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'meta_t'::regclass") == "code");
}

BOOST_AUTO_TEST_CASE(source_column_types_give_exact_target_types) {
  auto sink = open_sink({.table = "typed_src"});
  auto m = std::make_shared<SourceMeta>();
  m->table = "typed_src";
  m->primary_key = {"id"};
  m->column_names = {"id", "balance", "big", "status", "tags", "opened"};
  m->column_types = {"bigint unsigned", "decimal(15,2)",    "bigint unsigned",
                     "enum('a','b')",   "set('x','y','z')", "datetime(6)"};
  Event e = ev(Op::Read,
               row({{"id", Value::uint64(7)},
                    {"balance", dec("2500.75")},
                    {"big", Value::uint64(18446744073709551615ULL)},
                    {"status", Value::string("a")},
                    {"tags", Value::list({Value::string("x"), Value::string("z")})},
                    {"opened", Value::datetime(0)}}),
               1);
  e.source = m;
  write_ok(*sink, {e});
  BOOST_TEST(q("SELECT string_agg(column_name || ':' || format_type(atttypid, atttypmod), ',' "
               "ORDER BY attnum) FROM pg_attribute a JOIN information_schema.columns c ON "
               "c.column_name = a.attname AND c.table_name = 'typed_src' WHERE attrelid = "
               "'typed_src'::regclass AND attnum > 0") ==
             "id:numeric(20,0),balance:numeric(15,2),big:numeric(20,0),status:text,tags:text[],"
             "opened:timestamp(6) without time zone");
  BOOST_TEST(q("SELECT balance::text, big::text, tags[2], opened::text FROM typed_src") ==
             "2500.75|18446744073709551615|z|1970-01-01 00:00:00");
}

BOOST_AUTO_TEST_CASE(add_column_when_a_field_appears) {
  auto sink = open_sink({.table = "addcol", .key = {"id"}});
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}, {"a", Value::string("x")}}), 1)});
  write_ok(*sink, {ev(Op::Create,
                      row({{"id", Value::int64(2)},
                           {"a", Value::string("y")},
                           {"amount", dec("9.99")},
                           {"later", Value::null()}}),
                      2)});
  BOOST_TEST(q("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
               "FROM information_schema.columns WHERE table_name = 'addcol'") ==
             "id:bigint,a:text,amount:numeric");
  BOOST_TEST(q("SELECT string_agg(id || '=' || coalesce(amount::text, 'null'), ',' ORDER BY id) "
               "FROM addcol") == "1=null,2=9.99");
}

BOOST_AUTO_TEST_CASE(snapshot_rows_go_by_copy_then_streaming_by_upsert) {
  auto sink = open_sink({.table = "snap", .key = {"id"}});
  std::vector<Event> evs;
  for (int i = 0; i < 1000; ++i) {
    evs.push_back(ev(Op::Read, row({{"id", Value::int64(i)}, {"v", Value::int64(i)}}), i));
  }
  write_ok(*sink, evs);
  BOOST_TEST(sink->stats().direct_copies == 1u);  // straight into the empty table
  write_ok(*sink, {ev(Op::Update, row({{"id", Value::int64(5)}, {"v", Value::int64(-5)}}), 1001)});
  // A replayed snapshot row after streaming began is upserted, not duplicated.
  write_ok(*sink, {ev(Op::Read, row({{"id", Value::int64(6)}, {"v", Value::int64(66)}}), 1002)});
  BOOST_TEST(sink->stats().direct_copies == 1u);  // later batches went by staging + upsert
  BOOST_TEST(q("SELECT count(*), sum(v) FROM snap") ==
             "1000|" + std::to_string(999 * 1000 / 2 - 5 - 5 - 6 + 66));
  // A new sink (restart) on a non-empty table: a replayed snapshot batch upserts. (The first
  // sink reached a checkpoint: a run that never did would have its tables cleared.)
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  auto again = open_sink({.table = "snap", .key = {"id"}});
  write_ok(*again, {ev(Op::Read, row({{"id", Value::int64(1)}, {"v", Value::int64(100)}}), 1)});
  BOOST_TEST(again->stats().direct_copies == 0u);
  BOOST_TEST(q("SELECT count(*), v FROM snap WHERE id = 1 GROUP BY v") == "1|100");
}

BOOST_AUTO_TEST_CASE(table_expression_with_schema) {
  // "ods." + @table
  auto lit = std::make_unique<ast::Expr>();
  lit->kind = ast::ExprKind::Literal;
  lit->literal = Value::string("ods_x.");
  auto m = std::make_unique<ast::Expr>();
  m->kind = ast::ExprKind::Meta;
  m->path = {"table"};
  ast::Expr plus;
  plus.kind = ast::ExprKind::Binary;
  plus.op = "+";
  plus.args.push_back(std::move(lit));
  plus.args.push_back(std::move(m));
  auto sink = open_sink({.key = {"id"}, .table_expr = &plus});
  Event a = ev(Op::Create, row({{"id", Value::int64(1)}}), 1);
  a.source = meta("alpha", {});
  Event b = ev(Op::Create, row({{"id", Value::int64(2)}}), 2);
  b.source = meta("beta", {});
  write_ok(*sink, {a, b});
  BOOST_TEST(q("SELECT (SELECT id FROM ods_x.alpha) || ',' || (SELECT id FROM ods_x.beta)") ==
             "1,2");
}

// issue 19: the planner works the table out once per source table when the expression reads no
// field (events of one table share their SourceMeta), and per event when it reads one.
BOOST_AUTO_TEST_CASE(table_expression_per_source_and_per_record) {
  dsl::Diagnostics diags;
  auto per_source = dsl::parse_expr("\"ods_y.\" + @table", diags);
  auto per_record = dsl::parse_expr("\"ods_y.\" + @table + \"_\" + to_string(id % 2)", diags);
  BOOST_REQUIRE(per_source && per_record && !diags.has_errors());
  auto alpha = meta("alpha", {});
  auto beta = meta("beta", {});
  auto at = [](std::shared_ptr<const SourceMeta> m, Op op, int64_t id, int64_t pos) {
    Event e = ev(op, row({{"id", Value::int64(id)}}), pos);
    e.source = std::move(m);
    return e;
  };
  {
    auto sink = open_sink({.key = {"id"}, .table_expr = per_source.get()});
    Event trunc = ev(Op::Truncate, Object(), 5);
    trunc.source = alpha;
    write_ok(*sink, {at(alpha, Op::Create, 1, 1), at(alpha, Op::Create, 2, 2),
                     at(beta, Op::Create, 3, 3), at(alpha, Op::Create, 4, 4), trunc,
                     at(alpha, Op::Create, 6, 6), at(beta, Op::Create, 7, 7)});
    BOOST_TEST(q("SELECT (SELECT string_agg(id::text, ',' ORDER BY id) FROM ods_y.alpha) || '|' "
                 "|| (SELECT string_agg(id::text, ',' ORDER BY id) FROM ods_y.beta)") == "6|3,7");
  }
  {
    auto sink = open_sink({.key = {"id"}, .table_expr = per_record.get()});
    write_ok(*sink, {at(alpha, Op::Create, 1, 1), at(alpha, Op::Create, 2, 2),
                     at(alpha, Op::Create, 3, 3), at(alpha, Op::Create, 4, 4)});
    BOOST_TEST(q("SELECT (SELECT string_agg(id::text, ',' ORDER BY id) FROM ods_y.alpha_0) || '|' "
                 "|| (SELECT string_agg(id::text, ',' ORDER BY id) FROM ods_y.alpha_1)") ==
               "2,4|1,3");
  }
}

// issue 19: the upsert collapse finds a key's latest image by the key's 32-bit hash; two keys
// with the same hash ("k32728" and "k261234" under FNV-1a) keep their own latest images.
BOOST_AUTO_TEST_CASE(collapse_keeps_keys_whose_hashes_collide_apart) {
  auto sink = open_sink({.table = "collide", .key = {"k"}});
  auto r = [](const char* k, int64_t v) {
    return row({{"k", Value::string(k)}, {"v", Value::int64(v)}});
  };
  write_ok(*sink, {ev(Op::Create, r("k32728", 1), 1), ev(Op::Create, r("k261234", 2), 2),
                   ev(Op::Update, r("k32728", 3), 3), ev(Op::Update, r("k261234", 4), 4),
                   ev(Op::Update, r("k32728", 5), 5), ev(Op::Create, r("other", 6), 6)});
  BOOST_TEST(q("SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM collide") ==
             "k261234=4,k32728=5,other=6");
  write_ok(*sink, {ev(Op::Delete, r("k261234", 4), 7), ev(Op::Update, r("k32728", 8), 8),
                   ev(Op::Create, r("k261234", 9), 9)});
  BOOST_TEST(q("SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM collide") ==
             "k261234=9,k32728=8,other=6");
}

BOOST_AUTO_TEST_CASE(batch_rows_buffer_until_full_or_checkpoint) {
  auto sink = open_sink({.table = "buffered", .key = {"id"}, .rows = 3, .delay_us = 60000000});
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}}), 1)});
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(2)}}), 2)});
  BOOST_TEST(q("SELECT to_regclass('buffered') IS NULL") == "t");
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(3)}}), 3)});
  BOOST_TEST(q("SELECT count(*) FROM buffered") == "3");
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(4)}}), 4)});
  BOOST_TEST(q("SELECT count(*) FROM buffered") == "3");
  auto st = sink->checkpoint(1);
  BOOST_REQUIRE(st.ok());
  BOOST_TEST(st.value().rfind("{\"position\":4,\"seq\":4,\"lineage\":", 0) == 0u, st.value());
  BOOST_TEST(q("SELECT count(*) FROM buffered") == "4");
}

BOOST_AUTO_TEST_SUITE_END()
