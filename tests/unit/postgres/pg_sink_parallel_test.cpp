// `connections = N`: a flush is split by key (append: by event seq) over N connections, each
// committing its share with its own sluice_checkpoints row (docs/ods.md "Parallel
// connections"). These tests make one connection fail while the others commit (a trigger
// raises 40001 for one row) and check that a retry, and a restart from the engine checkpoint,
// write each slot's share exactly once.
#include <boost/test/unit_test.hpp>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "operators/postgres/batch_planner.h"
#include "operators/postgres/table_catalog.h"
#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;
using operators::postgres::PostgresSink;

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

namespace {

// batch { rows = kBuffered delay = kHour }: nothing is flushed before the checkpoint.
constexpr int64_t kBuffered = 100000;
constexpr int64_t kHour = 3600LL * 1000000;

Event upsert(int64_t id, int64_t v, int64_t pos) {
  return ev(Op::Create, row({{"id", Value::int64(id)}, {"v", Value::int64(v)}}), pos);
}

std::vector<Event> range(int from, int to) {  // append events id from..to, position = id
  std::vector<Event> out;
  for (int i = from; i <= to; ++i) {
    out.push_back(ev(Op::Create, row({{"id", Value::int64(i)}, {"v", Value::int64(i)}}), i));
  }
  return out;
}

result<void> write(PostgresSink& s, std::vector<Event> evs) {
  std::vector<Event> dead;
  auto r = s.write(evs, dead);
  BOOST_TEST(dead.empty());
  return r;
}

// Makes every write of the row with id = `id` into `table` fail with a serialization failure
// (a transient error: the batch is kept and retried).
void fail_row(const std::string& table, int id) {
  q("CREATE OR REPLACE FUNCTION " + table +
    "_fail() RETURNS trigger AS $$ BEGIN IF NEW.id = " + std::to_string(id) +
    " THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$ "
    "LANGUAGE plpgsql; CREATE TRIGGER " +
    table + "_fail BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + table +
    "_fail()");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_sink_parallel)

BOOST_AUTO_TEST_CASE(rows_split_over_connections_keep_each_keys_order) {
  auto sink = open_sink({.table = "par_upsert",
                         .key = {"id"},
                         .rows = kBuffered,
                         .delay_us = kHour,
                         .stage = "par1",
                         .connections = 4});
  std::vector<Event> evs;
  for (int i = 1; i <= 5000; ++i) evs.push_back(upsert(i, i, i));
  write_ok(*sink, std::move(evs));
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  BOOST_TEST(q("SELECT count(*), sum(v) FROM par_upsert") == "5000|12502500");
  // Four connections committed the flush, each with its own row and commit time.
  BOOST_TEST(q("SELECT count(*), count(DISTINCT updated_at), min(seq), max(seq) FROM "
               "sluice_checkpoints WHERE pipeline = 'test' AND stage LIKE 'par1%'") ==
             "4|4|5000|5000");
  // Many changes of the same keys in one flush: updates, deletes, key changes, re-inserts.
  evs.clear();
  int64_t pos = 5000;
  for (int round = 1; round <= 3; ++round) {
    for (int i = 1; i <= 2000; ++i) evs.push_back(upsert(i, i * 10 + round, ++pos));
  }
  for (int i = 4001; i <= 5000; ++i) {
    Event d = ev(Op::Delete, row({{"id", Value::int64(i)}, {"v", Value::int64(i)}}), ++pos);
    evs.push_back(std::move(d));
  }
  for (int i = 3001; i <= 3100; ++i) {  // the key changes: old key deleted, new one written
    Event u = ev(Op::Update, row({{"id", Value::int64(i + 7000)}, {"v", Value::int64(i)}}), ++pos);
    u.before = row({{"id", Value::int64(i)}, {"v", Value::int64(i)}});
    u.has_before = true;
    evs.push_back(std::move(u));
  }
  for (int i = 4001; i <= 4100; ++i) evs.push_back(upsert(i, -i, ++pos));  // back again
  write_ok(*sink, std::move(evs));
  BOOST_REQUIRE(sink->checkpoint(2).ok());
  // Expected: 1..2000 = i*10+3, 2001..3000 and 3101..4000 = i, 10001..10100 = i-7000,
  // 4001..4100 = -i.
  int64_t sum = 0, count = 0;
  for (int i = 1; i <= 2000; ++i, ++count) sum += i * 10 + 3;
  for (int i = 2001; i <= 4000; ++i) {
    if (i > 3000 && i <= 3100) continue;
    sum += i;
    ++count;
  }
  for (int i = 3001; i <= 3100; ++i, ++count) sum += i;
  for (int i = 4001; i <= 4100; ++i, ++count) sum -= i;
  BOOST_TEST(q("SELECT count(*), sum(v) FROM par_upsert") ==
             std::to_string(count) + "|" + std::to_string(sum));
  BOOST_TEST(q("SELECT count(*) FROM par_upsert WHERE id BETWEEN 3001 AND 3100") == "0");
  BOOST_TEST(q("SELECT count(*) FROM par_upsert WHERE id BETWEEN 10001 AND 10100") == "100");
  BOOST_TEST(q("SELECT count(DISTINCT seq) FROM sluice_checkpoints WHERE stage LIKE 'par1%'") ==
             "1");
}

BOOST_AUTO_TEST_CASE(a_truncate_goes_through_one_connection_in_order) {
  auto sink = open_sink({.table = "par_trunc",
                         .key = {"id"},
                         .rows = kBuffered,
                         .delay_us = kHour,
                         .stage = "par2",
                         .connections = 2});
  std::vector<Event> evs;
  for (int i = 1; i <= 1000; ++i) evs.push_back(upsert(i, i, i));
  Event t;
  t.op = Op::Truncate;
  t.position = Value::int64(1001);
  evs.push_back(std::move(t));
  for (int i = 501; i <= 800; ++i) evs.push_back(upsert(i, -i, 1001 + i));
  write_ok(*sink, std::move(evs));
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  BOOST_TEST(q("SELECT count(*), min(id), max(id), sum(v) FROM par_trunc") ==
             "300|501|800|-195150");
  // One transaction wrote both rows.
  BOOST_TEST(q("SELECT count(*), count(DISTINCT updated_at) FROM sluice_checkpoints WHERE "
               "stage LIKE 'par2%'") == "2|1");
}

BOOST_AUTO_TEST_CASE(a_retry_writes_only_the_connections_that_failed) {
  auto sink =
      open_sink({.table = "par_retry", .mode = "append", .stage = "par3", .connections = 2});
  write_ok(*sink, range(1, 1000));
  fail_row("par_retry", 1501);  // seq 1501: connection 1 (append rows go by seq)
  auto r = write(*sink, range(1001, 2000));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  BOOST_TEST(q("SELECT count(*) FROM par_retry") == "1500");  // connection 0's half committed
  q("DROP TRIGGER par_retry_fail ON par_retry");
  write_ok(*sink, range(1001, 2000));  // the engine's retry of the same batch
  BOOST_TEST(q("SELECT count(*), count(DISTINCT id) FROM par_retry") == "2000|2000");
}

BOOST_AUTO_TEST_CASE(a_restart_replays_only_what_each_connection_lacks) {
  const SinkOpts o{.table = "par_replay", .mode = "append", .stage = "par4", .connections = 2};
  auto sink = open_sink(o);
  write_ok(*sink, range(1, 1000));
  auto state = sink->checkpoint(1);  // the engine's last complete checkpoint
  BOOST_REQUIRE(state.ok());
  fail_row("par_replay", 1501);
  BOOST_REQUIRE(!write(*sink, range(1001, 2000)).ok());
  sink.reset();  // the process dies: connection 0 holds 1001..2000's even seqs, 1 none
  BOOST_TEST(q("SELECT count(*) FROM par_replay") == "1500");
  BOOST_TEST(q("SELECT string_agg(seq::text, ',' ORDER BY stage) FROM sluice_checkpoints WHERE "
               "stage LIKE 'par4%'") == "2000,1000");
  q("DROP TRIGGER par_replay_fail ON par_replay");
  // Restart from checkpoint 1: the source replays 1001..2000 in other batch sizes.
  auto again = open_sink(o, state.value());
  write_ok(*again, range(1001, 1400));
  // Connection 0's share is dropped by identity, connection 1's (the odd seqs) written.
  BOOST_TEST(q("SELECT count(*) FROM par_replay") == "1700");
  write_ok(*again, range(1401, 2000));
  BOOST_TEST(q("SELECT count(*), count(DISTINCT id) FROM par_replay") == "2000|2000");
  write_ok(*again, range(2001, 2500));
  BOOST_TEST(q("SELECT count(*), count(DISTINCT id) FROM par_replay") == "2500|2500");
  auto st2 = again->checkpoint(2);
  BOOST_REQUIRE(st2.ok());
  BOOST_TEST(st2.value().find("\"seq\":2500") != std::string::npos, st2.value());
  BOOST_TEST(st2.value().find("\"slots\":2") != std::string::npos, st2.value());
}

// A key goes to the same connection however its batch was planned: a snapshot batch with
// increasing integer keys skips the collapse map, a replay of the same rows in another order
// goes through it; the per-connection replay filter relies on both giving the same hash.
BOOST_AUTO_TEST_CASE(the_key_hash_does_not_depend_on_the_collapse_path) {
  auto opts = operators::postgres::SinkOptions::from_config(
      make_config({.table = "par_hash", .key = {"id"}}));
  BOOST_REQUIRE(opts.ok());
  operators::postgres::TableCatalog catalog;
  operators::postgres::BatchPlanner planner(opts.value(), catalog);
  pqxx::connection c(url_with_password());
  auto hashes = [&](const std::vector<Event>& evs) {
    std::vector<const Event*> ptrs;
    for (const auto& e : evs) ptrs.push_back(&e);
    std::vector<Event> dead;
    auto groups = planner.plan(&c, ptrs, dead);
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    std::map<int64_t, uint32_t> out;
    for (const auto& it : groups[0].items) out[it.row->find(intern("id"))->as_int()] = it.hash;
    return out;
  };
  std::vector<Event> sorted, shuffled;
  for (int i = -50; i <= 50; ++i) sorted.push_back(upsert(i * 7919, i, i + 100));
  for (int i = 50; i >= -50; --i) shuffled.push_back(upsert(i * 7919, i, 200 - i));
  auto a = hashes(sorted);
  auto b = hashes(shuffled);
  BOOST_TEST(a.size() == 101u);
  BOOST_TEST((a == b));
  std::set<uint32_t> slots;
  for (const auto& [id, h] : a) slots.insert(h % 4);
  BOOST_TEST(slots.size() == 4u);  // the keys spread over 4 connections
}

BOOST_AUTO_TEST_CASE(connections_is_checked) {
  auto s = PostgresSink::make(make_config({.table = "par_bad", .connections = 0}));
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.err().message.find("connections must be between 1 and 16") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
