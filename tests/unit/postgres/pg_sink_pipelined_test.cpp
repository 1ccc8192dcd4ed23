// `batch { pipelined = true }` (docs/postgres.md "Pipelined apply"): a full batch commits on a
// thread of its own while write() accepts and plans the next one. These tests check that a
// write really returns before its batch commits, that the table then equals a model of every
// change (one and two connections, tables met mid-stream, a column added mid-stream), that a
// failure or a dead letter of the batch in flight reaches the next call and loses nothing, and
// that a restart from an older checkpoint writes each event once.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <random>

#include "dsl/parser.h"
#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;
using operators::postgres::PostgresSink;

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

namespace pipelined_pg_test {

constexpr int64_t kHour = 3600LL * 1000000;

Event put(int64_t id, int64_t v, int64_t pos) {
  return ev(Op::Update, row({{"id", Value::int64(id)}, {"v", Value::int64(v)}}), pos);
}

Event del(int64_t id, int64_t pos) {
  return ev(Op::Delete, row({{"id", Value::int64(id)}, {"v", Value::null()}}), pos);
}

std::vector<Event> range(int from, int to) {  // creates id from..to, position = id
  std::vector<Event> out;
  for (int i = from; i <= to; ++i) {
    out.push_back(ev(Op::Create, row({{"id", Value::int64(i)}, {"v", Value::int64(i)}}), i));
  }
  return out;
}

result<void> write(PostgresSink& s, std::vector<Event>& evs, std::vector<Event>& dead) {
  return s.write(evs, dead);
}

// "id:v,id:v,..." of the model, in key order, as string_agg writes it.
std::string dump(const std::map<int64_t, int64_t>& model) {
  std::string out;
  for (const auto& [id, v] : model) {
    if (!out.empty()) out += ',';
    out += std::to_string(id) + ":" + std::to_string(v);
  }
  return out;
}

std::string table_dump(const std::string& table) {
  return q("SELECT coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '') FROM " + table);
}

// Random updates and deletes of 3,000 keys, 40 calls of 700 events (batch.rows = 2000).
void random_changes(PostgresSink& sink, std::map<int64_t, int64_t>& model, unsigned seed) {
  std::mt19937 rng(seed);
  int64_t pos = 0;
  for (int call = 0; call < 40; ++call) {
    std::vector<Event> evs;
    for (int i = 0; i < 700; ++i) {
      const int64_t id = 1 + static_cast<int64_t>(rng() % 3000);
      if (rng() % 5 == 0) {
        evs.push_back(del(id, ++pos));
        model.erase(id);
      } else {
        const int64_t v = static_cast<int64_t>(rng() % 1000000);
        evs.push_back(put(id, v, ++pos));
        model[id] = v;
      }
    }
    write_ok(sink, std::move(evs));
  }
}

BOOST_AUTO_TEST_SUITE(pg_sink_pipelined)

BOOST_AUTO_TEST_CASE(a_full_batch_commits_while_write_returns) {
  q("CREATE TABLE pipe_slow (id bigint PRIMARY KEY, v bigint)");
  q("CREATE FUNCTION pipe_slow_wait() RETURNS trigger AS $$ BEGIN IF NEW.id = 5 THEN PERFORM "
    "pg_sleep(1.5); END IF; RETURN NEW; END $$ LANGUAGE plpgsql; CREATE TRIGGER pipe_slow_wait "
    "BEFORE INSERT ON pipe_slow FOR EACH ROW EXECUTE FUNCTION pipe_slow_wait()");
  auto sink = open_sink({.table = "pipe_slow",
                         .key = {"id"},
                         .rows = 10,
                         .delay_us = kHour,
                         .stage = "pipe1",
                         .pipelined = true});
  const auto t0 = std::chrono::steady_clock::now();
  write_ok(*sink, range(1, 10));   // a full batch: it starts and commits 1.5 s later
  write_ok(*sink, range(11, 15));  // accepted meanwhile
  const auto took = std::chrono::steady_clock::now() - t0;
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 1000);
  BOOST_TEST(q("SELECT count(*) FROM pipe_slow") == "0");  // not committed yet
  BOOST_REQUIRE(sink->checkpoint(1).ok());                 // waits for it, writes 11..15
  BOOST_TEST(q("SELECT count(*), sum(v) FROM pipe_slow") == "15|120");
  BOOST_TEST(sink->stats().pipelined == 1u);
  BOOST_TEST(q("SELECT seq FROM sluice_checkpoints WHERE stage = 'pipe1'") == "15");
}

BOOST_AUTO_TEST_CASE(the_table_equals_every_change_in_order) {
  for (int conns : {1, 2}) {
    const std::string table = "pipe_model" + std::to_string(conns);
    auto sink = open_sink({.table = table,
                           .key = {"id"},
                           .rows = 2000,
                           .delay_us = kHour,
                           .stage = "pipe2_" + std::to_string(conns),
                           .connections = conns,
                           .pipelined = true});
    std::map<int64_t, int64_t> model;
    random_changes(*sink, model, 7u + static_cast<unsigned>(conns));
    // Batches were planned while the one before committed.
    BOOST_TEST(sink->stats().pipelined >= 10u);
    BOOST_TEST(sink->stats().planned_ahead >= 5u);
    BOOST_REQUIRE(sink->checkpoint(1).ok());
    BOOST_TEST(table_dump(table) == dump(model));
    BOOST_TEST(q("SELECT count(DISTINCT seq), max(seq) FROM sluice_checkpoints WHERE stage LIKE "
                 "'pipe2_" +
                 std::to_string(conns) + "%'") == "1|28000");
  }
}

// A table met mid-stream, and a column added mid-stream, need the catalog: the next batch is
// then planned after the one in flight commits.
BOOST_AUTO_TEST_CASE(new_tables_and_columns_mid_stream) {
  dsl::Diagnostics diags;
  auto table = dsl::parse_expr("\"pipe_t\" + to_string(id % 3)", diags);
  BOOST_REQUIRE(table && !diags.has_errors());
  auto sink = open_sink({.key = {"id"},
                         .rows = 100,
                         .delay_us = kHour,
                         .stage = "pipe3",
                         .table_expr = table.get(),
                         .pipelined = true});
  std::vector<Event> evs;
  for (int i = 0; i < 300; ++i) {  // table pipe_t0 first; 1 and 2 from the second batch on
    const int64_t id = i < 100 ? i * 3 : 1000 + i;
    Object r = row({{"id", Value::int64(id)}, {"v", Value::int64(id)}});
    if (i >= 200) r.append(intern("w"), Value::string("w" + std::to_string(id)));
    evs.push_back(ev(Op::Create, std::move(r), i + 1));
    if (evs.size() == 50) write_ok(*sink, std::move(evs)), evs.clear();
  }
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  int64_t n[3] = {0, 0, 0}, w[3] = {0, 0, 0};
  for (int i = 0; i < 300; ++i) {
    const int64_t id = i < 100 ? i * 3 : 1000 + i;
    n[id % 3]++;
    if (i >= 200) w[id % 3]++;
  }
  for (int t = 0; t < 3; ++t) {
    const std::string name = "pipe_t" + std::to_string(t);
    BOOST_TEST(q("SELECT count(*), count(w) FROM " + name) ==
               std::to_string(n[t]) + "|" + std::to_string(w[t]));
  }
  BOOST_TEST(q("SELECT count(*) FROM pipe_t2 WHERE w <> 'w' || id") == "0");
}

BOOST_AUTO_TEST_CASE(a_failed_flush_in_flight_is_the_next_calls_error_and_is_written_again) {
  auto sink = open_sink({.table = "pipe_fail",
                         .mode = "append",
                         .rows = 500,
                         .delay_us = kHour,
                         .stage = "pipe4",
                         .pipelined = true});
  write_ok(*sink, range(1, 500));
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  q("CREATE FUNCTION pipe_fail_f() RETURNS trigger AS $$ BEGIN IF NEW.id = 700 THEN RAISE "
    "EXCEPTION 'injected' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql; "
    "CREATE TRIGGER pipe_fail_f BEFORE INSERT ON pipe_fail FOR EACH ROW EXECUTE FUNCTION "
    "pipe_fail_f()");
  write_ok(*sink, range(501, 1000));  // in flight: fails on 700
  std::vector<Event> next = range(1001, 1500), dead;
  auto r = write(*sink, next, dead);  // collects the failure: this call's error
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  BOOST_TEST(next.size() == 500u);  // the call's events are still the engine's
  BOOST_TEST(q("SELECT count(*) FROM pipe_fail") == "500");
  q("DROP TRIGGER pipe_fail_f ON pipe_fail");
  r = write(*sink, next, dead);  // the engine's retry: 501..1000 again, then 1001..1500
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(dead.empty());
  BOOST_REQUIRE(sink->checkpoint(2).ok());
  BOOST_TEST(q("SELECT count(*), count(DISTINCT id), max(id) FROM pipe_fail") == "1500|1500|1500");
}

BOOST_AUTO_TEST_CASE(a_dead_letter_of_the_flush_in_flight_comes_with_a_later_call) {
  q("CREATE TABLE pipe_dead (id bigint PRIMARY KEY, v bigint CHECK (v <> 77))");
  auto sink = open_sink({.table = "pipe_dead",
                         .key = {"id"},
                         .rows = 100,
                         .delay_us = kHour,
                         .stage = "pipe5",
                         .pipelined = true});
  std::vector<Event> evs = range(1, 100), dead;
  BOOST_REQUIRE(write(*sink, evs, dead).ok());
  BOOST_TEST(dead.empty());  // still in flight
  evs = range(101, 200);
  BOOST_REQUIRE(write(*sink, evs, dead).ok());
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].row.find(intern("id"))->as_int() == 77);
  BOOST_TEST(dead[0].dead_letter->message.find("SQLSTATE 23514") != std::string::npos,
             dead[0].dead_letter->message);
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  BOOST_TEST(q("SELECT count(*) FROM pipe_dead") == "199");
}

BOOST_AUTO_TEST_CASE(a_restart_from_an_older_checkpoint_writes_each_event_once) {
  const SinkOpts o{.table = "pipe_replay",
                   .mode = "append",
                   .rows = 300,
                   .delay_us = kHour,
                   .stage = "pipe6",
                   .pipelined = true};
  auto sink = open_sink(o);
  write_ok(*sink, range(1, 1000));
  auto state = sink->checkpoint(1);
  BOOST_REQUIRE(state.ok());
  // Calls of 250: every second one starts a flush of 500; 2501..2750 stays pending.
  for (int i = 1001; i <= 2750; i += 250) write_ok(*sink, range(i, i + 249));
  sink.reset();  // the process stops: the flush in flight ends, the pending events are lost
  BOOST_TEST(q("SELECT count(*) FROM pipe_replay") == "2500");
  // The source replays from checkpoint 1 in other batch sizes.
  auto again = open_sink(o, state.value());
  for (int i = 1001; i <= 3000; i += 400) write_ok(*again, range(i, i + 399));
  BOOST_REQUIRE(again->checkpoint(2).ok());
  BOOST_TEST(q("SELECT count(*), count(DISTINCT id), max(id) FROM pipe_replay") ==
             "3000|3000|3000");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace pipelined_pg_test
