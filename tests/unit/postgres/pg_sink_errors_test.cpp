// The postgres sink's failure handling: batch splitting into dead letters, transient errors
// across a server restart, the checkpoint row in the batch's transaction.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "dsl/parser.h"
#include "pg_test_support.h"
#include "support/stderr_capture.h"

using namespace sluice;
using namespace sluice::pgtest;

BOOST_AUTO_TEST_SUITE(postgres_sink_errors)

BOOST_AUTO_TEST_CASE(bad_records_are_isolated_and_the_rest_commits) {
  q("CREATE TABLE checked (id bigint PRIMARY KEY, amount numeric(10,2) "
    "CONSTRAINT amount_not_negative CHECK (amount >= 0), note text)");
  auto sink = open_sink({.table = "checked"});
  std::vector<Event> evs;
  for (int i = 0; i < 100; ++i) {
    std::string amount = (i == 17 || i == 80) ? "-1.00" : std::to_string(i) + ".25";
    evs.push_back(ev(Op::Create,
                     row({{"id", Value::int64(i)},
                          {"amount", Value::decimal(*Decimal::parse(amount))},
                          {"note", Value::string("n")}}),
                     i));
  }
  // A conversion error too: text into numeric.
  evs.push_back(
      ev(Op::Create, row({{"id", Value::int64(100)}, {"amount", Value::string("abc")}}), 100));
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 3u);
  BOOST_TEST(sink->stats().split_attempts > 3u);  // isolated by halving
  BOOST_TEST(sink->stats().rows == 98u);
  BOOST_TEST(q("SELECT count(*) FROM checked") == "98");
  BOOST_TEST(q("SELECT count(*) FROM checked WHERE id IN (17, 80, 100)") == "0");
  std::vector<int64_t> ids;
  for (const auto& d : dead) {
    ids.push_back(d.row.find(intern("id"))->as_int());
    BOOST_REQUIRE(d.dead_letter);
    BOOST_TEST(d.dead_letter->kind() == "write");
    BOOST_TEST(d.dead_letter->stage == "ods");
    BOOST_TEST(d.dead_letter->message.find(kPassword) == std::string::npos);
  }
  std::sort(ids.begin(), ids.end());
  BOOST_TEST(ids == (std::vector<int64_t>{17, 80, 100}), boost::test_tools::per_element());
  for (const auto& d : dead) {
    const std::string& m = d.dead_letter->message;
    if (d.row.find(intern("id"))->as_int() == 100) {
      BOOST_TEST(m.find("SQLSTATE 22P02") != std::string::npos, m);
      BOOST_TEST(d.dead_letter->code.qualified() == "postgres.conversion");
    } else {
      BOOST_TEST(m.find("SQLSTATE 23514") != std::string::npos, m);
      BOOST_TEST((d.dead_letter->code == operators::postgres::errc::constraint));
      BOOST_TEST(m.find("amount_not_negative") != std::string::npos, m);
    }
  }
  // The checkpoint row moved to the last event of the batch even so.
  BOOST_TEST(q("SELECT position FROM sluice_checkpoints WHERE pipeline = 'test' AND stage = "
               "'ods'") == "100");
}

// issue 15: an SQL error that is neither a data/constraint error nor a connection error
// (54000: an index row too large for a btree) no longer fails the stage in a loop: after one
// retry with a fresh catalog the batch is split like a data error, the bad record goes to the
// dead letters with its SQLSTATE and the rest commits.
BOOST_AUTO_TEST_CASE(any_sql_error_is_isolated_to_its_records) {
  q("CREATE TABLE indexed (id bigint PRIMARY KEY, note text); CREATE INDEX indexed_note ON "
    "indexed (note)");
  auto sink = open_sink({.table = "indexed"});
  std::mt19937 rng(5);
  std::string huge;
  for (int i = 0; i < 12000; ++i) huge += static_cast<char>('!' + rng() % 90);  // incompressible
  std::vector<Event> evs;
  for (int i = 0; i < 20; ++i) {
    evs.push_back(ev(Op::Create,
                     row({{"id", Value::int64(i)},
                          {"note", Value::string(i == 13 ? huge : "n" + std::to_string(i))}}),
                     i));
  }
  std::vector<Event> dead;
  auto first = sink->write(evs, dead);  // the unexpected error: one retry, catalog refreshed
  BOOST_REQUIRE(!first.ok());
  BOOST_TEST((first.err().kind == failure_kind::transient));
  BOOST_TEST(first.err().message.find("54000") != std::string::npos, first.err().message);
  auto again = sink->write(evs, dead);  // the engine's retry: split, dead-letter, commit
  BOOST_REQUIRE_MESSAGE(again.ok(), (again.ok() ? std::string() : again.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].row.find(intern("id"))->as_int() == 13);
  BOOST_TEST(dead[0].dead_letter->message.find("SQLSTATE 54000") != std::string::npos,
             dead[0].dead_letter->message);
  BOOST_TEST(q("SELECT count(*) FROM indexed") == "19");
}

BOOST_AUTO_TEST_CASE(checkpoint_row_commits_with_the_rows) {
  auto sink = open_sink({.table = "ck_rows", .key = {"id"}, .stage = "ck"});
  std::vector<Event> evs = {ev(Op::Create, row({{"id", Value::int64(1)}}), 0),
                            ev(Op::Create, row({{"id", Value::int64(2)}}), 0)};
  Object pos;
  pos.append(intern("file"), Value::string("binlog.000003"));
  pos.append(intern("pos"), Value::int64(4567));
  evs.back().position = Value::object(pos);
  std::vector<Event> dead;
  BOOST_REQUIRE(sink->write(evs, dead).ok());
  // Same transaction: the checkpoint row and the rows share their xmin.
  BOOST_TEST(q("SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM ck_rows UNION ALL "
               "SELECT xmin::text FROM sluice_checkpoints WHERE stage = 'ck') s") == "1");
  std::string stored = "{\"file\":\"binlog.000003\",\"pos\":4567}";
  BOOST_TEST(q("SELECT position FROM sluice_checkpoints WHERE stage = 'ck'") == stored);
  auto blob = sink->checkpoint(7);
  BOOST_REQUIRE(blob.ok());
  BOOST_TEST(blob.value().rfind("{\"position\":" + stored + ",\"seq\":2,\"lineage\":", 0) == 0u,
             blob.value());
  // A new instance reads it back, and so does the engine-side helper.
  auto again = open_sink({.table = "ck_rows", .key = {"id"}, .stage = "ck"});
  BOOST_REQUIRE(again->stored_position().has_value());
  BOOST_TEST(*again->stored_position() == stored);
  auto pos2 =
      operators::postgres::PostgresSink::read_stored_position(url_with_password(), "test", "ck");
  BOOST_REQUIRE(pos2.ok());
  BOOST_TEST(pos2.value().value_or("") == stored);
  auto none =
      operators::postgres::PostgresSink::read_stored_position(url_with_password(), "test", "nope");
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(!none.value().has_value());
}

BOOST_AUTO_TEST_CASE(transient_error_across_a_server_restart) {
  auto sink = open_sink({.table = "restarted", .key = {"id"}});
  std::vector<Event> dead;
  std::vector<Event> b1 = {ev(Op::Create, row({{"id", Value::int64(1)}}), 1)};
  BOOST_REQUIRE(sink->write(b1, dead).ok());
  server().stop();
  std::vector<Event> b2 = {ev(Op::Create, row({{"id", Value::int64(2)}}), 2),
                           ev(Op::Create, row({{"id", Value::int64(3)}}), 3)};
  auto r = sink->write(b2, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  BOOST_TEST(r.err().message.find(kPassword) == std::string::npos, r.err().message);
  // Still down: still transient.
  auto r2 = sink->write(b2, dead);
  BOOST_REQUIRE(!r2.ok());
  BOOST_TEST((r2.err().kind == failure_kind::transient));
  server().start();
  auto r3 = sink->write(b2, dead);
  BOOST_REQUIRE_MESSAGE(r3.ok(), (r3.ok() ? std::string() : r3.err().message));
  BOOST_TEST(dead.empty());
  BOOST_TEST(q("SELECT string_agg(id::text, ',' ORDER BY id) FROM restarted") == "1,2,3");
  BOOST_TEST(q("SELECT position FROM sluice_checkpoints WHERE stage = 'ods' AND pipeline = "
               "'test'") == "3");
}

BOOST_AUTO_TEST_CASE(connection_refused_is_transient_and_redacted) {
  auto s = operators::postgres::PostgresSink::make(
      make_config({.table = "x",
                   .url = "postgresql://postgres:" + std::string(kPassword) + "@127.0.0.1:1/db"}));
  BOOST_REQUIRE(s.ok());
  auto r = s.value()->open("");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  BOOST_TEST(r.err().message.find(kPassword) == std::string::npos, r.err().message);
}

BOOST_AUTO_TEST_CASE(missing_key_dead_letters) {
  auto sink = open_sink({.table = "nokey"});
  std::vector<Event> evs = {ev(Op::Create, row({{"v", Value::int64(1)}}), 1)};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink->write(evs, dead).ok());
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].dead_letter->message.find("no key columns") != std::string::npos);
}

// issue 16: a record the sink refuses carries the postgres error code (module and name) and
// the dead-letter kind it renders as.
BOOST_AUTO_TEST_CASE(refused_records_carry_the_postgres_code) {
  auto sink = open_sink({.table = "keyed_codes", .key = {"id"}});
  std::vector<Event> evs;
  evs.push_back(ev(Op::Create, row({{"id", Value::int64(1)}, {"note", Value::string("a")}}), 1));
  evs.push_back(ev(Op::Create, row({{"id", Value()}, {"note", Value::string("b")}}), 2));
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  const DeadLetterInfo& d = *dead[0].dead_letter;
  BOOST_TEST((d.code == operators::postgres::errc::null_key));
  BOOST_TEST(d.code.qualified() == "postgres.null_key");
  BOOST_TEST(d.kind() == "write");
  BOOST_TEST(d.message.find("null key column") != std::string::npos, d.message);
  BOOST_TEST(q("SELECT count(*) FROM keyed_codes") == "1");
}

// Without a dead_letter stage (on_error = fail) a refused record stops the pipeline. The sink
// used to commit the rest of its batch with the batch's position all the same: the restarted
// pipeline then took the refused record as written and it was lost. Now nothing of the batch
// commits: after the cause is fixed, a restart from the same state writes every record.
BOOST_AUTO_TEST_CASE(on_error_fail_commits_nothing_past_a_refused_record) {
  q("CREATE TABLE fail_checked (id bigint PRIMARY KEY, v int CONSTRAINT v_positive CHECK (v >= "
    "0))");
  auto events = [] {
    std::vector<Event> evs;
    for (int i = 1; i <= 3; ++i) {
      evs.push_back(
          ev(Op::Create, row({{"id", Value::int64(i)}, {"v", Value::int64(i == 2 ? -2 : i)}}), i));
    }
    return evs;
  };
  {
    auto sink = open_sink({.table = "fail_checked", .stage = "failck", .dead_letter = ""});
    std::vector<Event> evs = events(), dead;
    auto r = sink->write(evs, dead);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.err().kind == failure_kind::permanent));
    BOOST_TEST(r.err().message.find("the record at position 2") != std::string::npos,
               r.err().message);
    BOOST_TEST(r.err().message.find("v_positive") != std::string::npos, r.err().message);
    BOOST_TEST(dead.empty());
  }
  BOOST_TEST(q("SELECT count(*) FROM fail_checked") == "0");
  BOOST_TEST(q("SELECT count(*) FROM sluice_checkpoints WHERE pipeline = 'test' AND stage = "
               "'failck' AND position IS NOT NULL") == "0");
  q("ALTER TABLE fail_checked DROP CONSTRAINT v_positive");
  auto sink = open_sink({.table = "fail_checked", .stage = "failck", .dead_letter = ""});
  write_ok(*sink, events());
  BOOST_TEST(q("SELECT string_agg(id || ':' || v, ' ' ORDER BY id) FROM fail_checked") ==
             "1:1 2:-2 3:3");
}

// The same for a record refused while planning (here: no key), before any transaction.
BOOST_AUTO_TEST_CASE(on_error_fail_commits_nothing_past_a_record_without_key) {
  auto sink = open_sink({.table = "fail_nokey", .dead_letter = ""});
  std::vector<Event> evs = {
      ev(Op::Create, row({{"v", Value::int64(1)}}), 1),
  };
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::permanent));
  BOOST_TEST(r.err().message.find("no key columns") != std::string::npos, r.err().message);
  BOOST_TEST(r.err().message.find(kPassword) == std::string::npos);
  BOOST_TEST(q("SELECT to_regclass('fail_nokey') IS NULL") == "t");
}

// A table PostgreSQL cannot hold (a MyISAM table of 1,700 columns; PostgreSQL keeps 1,600) or
// grow (ADD COLUMN past 1,600): its records are refused with the server's reason, and the other
// tables of the same batch are written. Before, the failed CREATE TABLE failed the whole flush
// as "cannot prepare tables" and the pipeline restarted in a loop with no table written.
BOOST_AUTO_TEST_CASE(a_table_postgres_cannot_hold_refuses_only_its_records) {
  dsl::Diagnostics diags;
  auto table = dsl::parse_expr("\"wide_t.\" + @table", diags);
  BOOST_REQUIRE(table && !diags.has_errors());
  auto wide_row = [](int columns, int64_t id) {
    Object o = row({{"id", Value::int64(id)}});
    for (int i = 1; i < columns; ++i)
      o.append(intern("c" + std::to_string(i)), Value::boolean(i % 2 == 0));
    return o;
  };
  auto at = [](const char* t, Object r, int64_t pos) {
    Event e = ev(Op::Create, std::move(r), pos);
    e.source = meta(t, {"id"});
    return e;
  };
  auto sink = open_sink({.table_expr = table.get()});
  std::vector<Event> evs = {at("wide", wide_row(1700, 1), 1),
                            at("narrow", row({{"id", Value::int64(2)}}), 2),
                            at("grows", wide_row(1599, 3), 3)};
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].dead_letter->code.qualified() == "postgres.schema");
  BOOST_TEST(
      dead[0].dead_letter->message.find("cannot create it: SQLSTATE 54011") != std::string::npos,
      dead[0].dead_letter->message);
  BOOST_TEST(q("SELECT (SELECT count(*) FROM wide_t.narrow) || ',' || (SELECT count(*) FROM "
               "wide_t.grows) || ',' || (to_regclass('wide_t.wide') IS NULL)") == "1,1,true");
  // Two more fields than PostgreSQL keeps: ADD COLUMN is refused, the table keeps its rows.
  evs = {at("grows", wide_row(1602, 4), 4), at("narrow", row({{"id", Value::int64(5)}}), 5)};
  dead.clear();
  r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].dead_letter->message.find("cannot add column c1599 (and others): SQLSTATE "
                                               "54011") != std::string::npos,
             dead[0].dead_letter->message);
  BOOST_TEST(q("SELECT (SELECT count(*) FROM wide_t.narrow) || ',' || (SELECT count(*) FROM "
               "wide_t.grows)") == "2,1");
  // on_error = fail: the pipeline stops naming the record; nothing of the batch commits.
  auto strict = open_sink({.stage = "strict", .table_expr = table.get(), .dead_letter = ""});
  evs = {at("narrow", row({{"id", Value::int64(6)}}), 6), at("wide", wide_row(1700, 7), 7)};
  dead.clear();
  r = strict->write(evs, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::permanent));
  BOOST_TEST(r.err().message.find("SQLSTATE 54011") != std::string::npos, r.err().message);
  BOOST_TEST(q("SELECT count(*) FROM wide_t.narrow") == "2");
  // soft_delete: a TRUNCATE needs the column cdc_deleted, which a table of 1,600 columns cannot
  // get: the truncate is refused, the table keeps its rows.
  std::string cols;
  for (int i = 1; i < 1600; ++i) cols += ", c" + std::to_string(i) + " boolean";
  q("CREATE TABLE full1600 (id bigint PRIMARY KEY" + cols +
    "); INSERT INTO full1600 (id) VALUES (1)");
  auto soft = open_sink({.table = "full1600", .mode = "soft_delete", .stage = "soft"});
  evs = {ev(Op::Truncate, Object(), 8)};
  dead.clear();
  r = soft->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].dead_letter->message.find("cannot add column cdc_deleted: SQLSTATE 54011") !=
                 std::string::npos,
             dead[0].dead_letter->message);
  BOOST_TEST(q("SELECT count(*) FROM full1600") == "1");
}

// A role with the privileges a DBA gives an ETL job: SELECT, INSERT, UPDATE, DELETE on tables
// the DBA made, no CREATE on the schema (PostgreSQL 15 gives PUBLIC none on public). The sink
// ran CREATE TABLE IF NOT EXISTS sluice_checkpoints before anything else, which PostgreSQL
// refuses without CREATE even when the table exists: the stage never opened. Now an existing
// table is used as it is; a missing one is named with the statements its owner runs; a column
// the sink would widen and may not is written as it is, with a warning.
BOOST_AUTO_TEST_CASE(a_role_that_may_only_write_the_tables) {
  q("CREATE ROLE etl_least LOGIN; CREATE DATABASE least_priv");
  auto& pg = server();
  pg.psql(
      "CREATE TABLE narrow (id bigint PRIMARY KEY, price numeric(10,2)); "
      "GRANT SELECT, INSERT, UPDATE, DELETE ON narrow TO etl_least",
      "least_priv");
  const std::string url =
      "postgresql://etl_least@127.0.0.1:" + std::to_string(pg.port()) + "/least_priv";
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->table = "narrow";
  m->primary_key = {"id"};
  m->column_names = {"id", "price"};
  m->column_types = {"bigint", "decimal(12,4)"};
  auto put = [&](int64_t id, int64_t pos) {
    Event e = ev(
        Op::Create,
        row({{"id", Value::int64(id)}, {"price", Value::decimal(*Decimal::parse("1.25"))}}), pos);
    e.source = m;
    return e;
  };
  // The error of a sink that cannot open, which names the role.
  auto refusal = [&] {
    auto made =
        operators::postgres::PostgresSink::make(make_config({.table = "narrow", .url = url}));
    BOOST_REQUIRE(made.ok());
    auto o = made.value()->open("");
    BOOST_REQUIRE(!o.ok());
    BOOST_TEST(
        o.err().message.find("the role etl_least may not prepare public.sluice_checkpoints") !=
            std::string::npos,
        o.err().message);
    return o.err().message;
  };
  const std::string create = refusal();
  BOOST_TEST(create.find("GRANT SELECT, INSERT, UPDATE, DELETE ON "
                         "public.sluice_checkpoints TO \"etl_least\"") != std::string::npos,
             create);
  // The table as an older sink made it (no shared_tables): the role may not add the column.
  pg.psql(
      "CREATE TABLE public.sluice_checkpoints (pipeline text NOT NULL, stage text NOT NULL, "
      "position text, updated_at timestamptz NOT NULL, seq bigint, event_id text, tables "
      "text, acked boolean, epoch bigint, PRIMARY KEY (pipeline, stage)); "
      "GRANT SELECT, INSERT, UPDATE, DELETE ON public.sluice_checkpoints TO etl_least",
      "least_priv");
  const std::string alter = refusal();
  BOOST_TEST(alter.find("ADD COLUMN IF NOT EXISTS shared_tables text;") != std::string::npos,
             alter);
  pg.psql("ALTER TABLE public.sluice_checkpoints ADD COLUMN shared_tables text", "least_priv");
  test::StderrCapture log;
  auto sink = open_sink({.table = "narrow", .url = url});
  std::vector<Event> evs = {put(1, 1)}, dead;
  auto w = sink->write(evs, dead);
  BOOST_REQUIRE(w.ok());
  BOOST_REQUIRE_MESSAGE(dead.empty(), (dead.empty() ? "" : dead.front().dead_letter->message));
  BOOST_TEST(pg.psql("SELECT id || ':' || price FROM narrow", "least_priv") == "1:1.25");
  BOOST_TEST(log.text().find("cannot widen column price to numeric(12,4)") != std::string::npos);
  BOOST_TEST(log.text().find("column price is numeric(10,2), its source's type decimal(12,4): "
                             "PostgreSQL rounds the values to 2 decimal(s)") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
