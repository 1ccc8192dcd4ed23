// Fencing in the target (issue 21, point 4): a cluster owner's sink writes its assignment
// epoch into every sluice_checkpoints row it writes and claims the rows at open; a flush of an
// older epoch then rolls back (nothing written, the checkpoint row untouched) with an error
// that is not retried, and a restart of the old owner gives the pipeline up. Epoch 0 (`sluice
// run`) neither checks nor writes the column.
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;
using operators::postgres::PostgresSink;

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

namespace {

constexpr int64_t kBuffered = 100000;  // batch { rows = kBuffered delay = kHour }
constexpr int64_t kHour = 3600LL * 1000000;

Event upsert(int64_t id, int64_t v, int64_t pos) {
  return ev(Op::Create, row({{"id", Value::int64(id)}, {"v", Value::int64(v)}}), pos);
}

std::string ckpt_row(const std::string& stage, const std::string& cols) {
  return q("SELECT " + cols + " FROM sluice_checkpoints WHERE pipeline = 'test' AND stage = '" +
           stage + "'");
}

// The write must fail with the fencing error: not transient (no retry), not permanent (that
// would dead-letter valid records), the events left intact, nothing dead-lettered.
void write_fenced(PostgresSink& s, std::vector<Event> evs, int64_t stored, int64_t mine) {
  std::vector<Event> dead;
  const size_t n = evs.size();
  auto r = s.write(evs, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(static_cast<int>(r.err().kind) == static_cast<int>(failure_kind::fatal));
  const std::string& m = r.err().message;
  BOOST_TEST(m.find("fenced") != std::string::npos, m);
  BOOST_TEST(m.find("epoch " + std::to_string(stored)) != std::string::npos, m);
  BOOST_TEST(m.find("epoch " + std::to_string(mine)) != std::string::npos, m);
  BOOST_TEST(m.find("rolled back") != std::string::npos, m);
  BOOST_TEST(m.find(kPassword) == std::string::npos, m);
  BOOST_TEST(dead.empty());
  BOOST_TEST(evs.size() == n);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_sink_fence)

BOOST_AUTO_TEST_CASE(a_flush_of_an_older_epoch_rolls_back_and_its_restart_gives_up) {
  const SinkOpts a_opts{.table = "fence_t", .key = {"id"}, .stage = "fence1", .epoch = 2};
  auto a = open_sink(a_opts);
  write_ok(*a, {upsert(1, 1, 1)});
  auto st = a->checkpoint(1);
  BOOST_REQUIRE(st.ok());
  BOOST_TEST(ckpt_row("fence1", "position || '|' || epoch") == "1|2");

  // Failover: the new owner (epoch 3) starts from checkpoint 1 and claims the row at open,
  // before it writes anything.
  SinkOpts b_opts = a_opts;
  b_opts.epoch = 3;
  auto b = open_sink(b_opts, *st);
  BOOST_TEST(ckpt_row("fence1", "epoch") == "3");
  write_ok(*b, {upsert(1, 2, 2), upsert(3, 3, 3)});
  const std::string b_row = ckpt_row("fence1", "position || '|' || seq || '|' || updated_at");

  // The old owner comes back: its flush (an older value of id 1, a new id 2) rolls back.
  write_fenced(*a, {upsert(1, 99, 2), upsert(2, 2, 3)}, 3, 2);
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM fence_t") == "1=2,3=3");
  BOOST_TEST(ckpt_row("fence1", "position || '|' || seq || '|' || updated_at") == b_row);
  BOOST_TEST(ckpt_row("fence1", "epoch") == "3");
  // A retry fails the same way; so does the flush of a barrier.
  write_fenced(*a, {upsert(1, 98, 2)}, 3, 2);
  {
    auto slow = open_sink({.table = "fence_t",
                           .key = {"id"},
                           .rows = kBuffered,
                           .delay_us = kHour,
                           .stage = "fence1b",
                           .epoch = 2});
    write_ok(*slow, {upsert(1, 97, 5)});  // buffered
    q("UPDATE sluice_checkpoints SET epoch = 3 WHERE pipeline = 'test' AND stage = 'fence1b'");
    auto c = slow->checkpoint(1);
    BOOST_REQUIRE(!c.ok());
    BOOST_TEST(c.err().message.find("fenced") != std::string::npos, c.err().message);
    BOOST_TEST(static_cast<int>(c.err().kind) == static_cast<int>(failure_kind::fatal));
  }
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM fence_t") == "1=2,3=3");

  // The engine restarts the old owner's pipeline: its sink refuses to open, permanently.
  {
    auto made = PostgresSink::make(make_config(a_opts));
    BOOST_REQUIRE(made.ok());
    auto r = made.value()->open(*st);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(static_cast<int>(r.err().kind) == static_cast<int>(failure_kind::permanent));
    BOOST_TEST(r.err().message.find("fenced") != std::string::npos, r.err().message);
    BOOST_TEST(r.err().message.find("giving the pipeline up") != std::string::npos,
               r.err().message);
    BOOST_TEST(r.err().message.find(kPassword) == std::string::npos);
  }
  BOOST_TEST(ckpt_row("fence1", "epoch") == "3");
  // The new owner goes on.
  write_ok(*b, {upsert(2, 20, 4)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM fence_t") ==
             "1=2,2=20,3=3");
  BOOST_TEST(ckpt_row("fence1", "position || '|' || epoch") == "4|3");
}

BOOST_AUTO_TEST_CASE(every_connections_row_carries_the_fence) {
  const SinkOpts o{.table = "fence_par",
                   .key = {"id"},
                   .rows = kBuffered,
                   .delay_us = kHour,
                   .stage = "fpar",
                   .connections = 4,
                   .epoch = 5};
  auto a = open_sink(o);
  std::vector<Event> evs;
  for (int i = 1; i <= 1000; ++i) evs.push_back(upsert(i, 1, i));
  write_ok(*a, std::move(evs));
  BOOST_REQUIRE(a->checkpoint(1).ok());  // a parallel flush: one row per connection
  BOOST_TEST(q("SELECT count(*) || '|' || min(epoch) || '|' || max(epoch) || '|' || min(seq) "
               "FROM sluice_checkpoints WHERE pipeline = 'test' AND stage LIKE 'fpar%'") ==
             "4|5|5|1000");

  // Only connection 2's row is taken by a newer epoch.
  q("UPDATE sluice_checkpoints SET epoch = 6 WHERE pipeline = 'test' AND stage = 'fpar~2'");
  // A small flush goes through connection 0 alone, which writes every connection's row: the
  // whole transaction rolls back.
  evs.clear();
  for (int i = 1; i <= 10; ++i) evs.push_back(upsert(i, 2, 1000 + i));
  write_ok(*a, std::move(evs));  // buffered
  {
    auto c = a->checkpoint(2);
    BOOST_REQUIRE(!c.ok());
    BOOST_TEST(c.err().message.find("fenced") != std::string::npos, c.err().message);
    BOOST_TEST(c.err().message.find("fpar~2") != std::string::npos, c.err().message);
  }
  BOOST_TEST(q("SELECT count(*) FROM fence_par WHERE v <> 1") == "0");
  BOOST_TEST(q("SELECT string_agg(stage || '=' || seq, ',' ORDER BY stage COLLATE \"C\") FROM "
               "sluice_checkpoints WHERE pipeline = 'test' AND stage LIKE 'fpar%'") ==
             "fpar=1000,fpar~1=1000,fpar~2=1000,fpar~3=1000");

  // A large flush is split over the four connections: three commit their share, connection
  // 2's transaction rolls back.
  evs.clear();
  for (int i = 11; i <= 1000; ++i) evs.push_back(upsert(i, 2, 1000 + i));
  write_ok(*a, std::move(evs));
  {
    auto c = a->checkpoint(3);
    BOOST_REQUIRE(!c.ok());
    BOOST_TEST(c.err().message.find("fenced") != std::string::npos, c.err().message);
  }
  BOOST_TEST(q("SELECT string_agg(stage || '=' || seq || '/' || epoch, ',' ORDER BY stage COLLATE "
               "\"C\") FROM "
               "sluice_checkpoints WHERE pipeline = 'test' AND stage LIKE 'fpar%'") ==
             "fpar=2000/5,fpar~1=2000/5,fpar~2=1000/6,fpar~3=2000/5");
  const int64_t old_rows = std::stoll(q("SELECT count(*) FROM fence_par WHERE v = 1"));
  BOOST_TEST(old_rows > 100);  // connection 2's share (about a quarter)
  BOOST_TEST(old_rows < 500);

  // A newer owner claims all four rows at once when it opens.
  SinkOpts n = o;
  n.epoch = 7;
  auto b = open_sink(n);
  BOOST_TEST(q("SELECT count(*) FROM sluice_checkpoints WHERE pipeline = 'test' AND stage LIKE "
               "'fpar%' AND epoch = 7") == "4");
}

BOOST_AUTO_TEST_CASE(epoch_zero_neither_checks_nor_writes_and_old_tables_get_the_column) {
  // A database whose sluice_checkpoints was created by a sink before the epoch column.
  q("DROP DATABASE IF EXISTS fence_old");
  q("CREATE DATABASE fence_old");
  const std::string url = "postgresql://postgres:" + std::string(kPassword) +
                          "@127.0.0.1:" + std::to_string(server().port()) + "/fence_old";
  {
    pqxx::connection c(url);
    pqxx::work tx(c);
    tx.exec(
        "CREATE TABLE public.sluice_checkpoints (pipeline text NOT NULL, stage text NOT NULL, "
        "position text, updated_at timestamptz NOT NULL, seq bigint, event_id text, tables "
        "text, acked boolean, PRIMARY KEY (pipeline, stage))");
    tx.commit();
  }
  auto old_db = [&](const std::string& sql) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    auto r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? std::string("<null>") : r[0][0].as<std::string>();
  };
  const SinkOpts single{.table = "fence_single", .key = {"id"}, .stage = "one", .url = url};
  auto s = open_sink(single);
  BOOST_TEST(old_db("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                    "'sluice_checkpoints' AND column_name = 'epoch'") == "1");
  write_ok(*s, {upsert(1, 1, 1)});
  BOOST_TEST(old_db("SELECT epoch FROM sluice_checkpoints WHERE stage = 'one'") == "<null>");
  // `sluice run` (epoch 0) is not fenced, even by a row a cluster owner wrote.
  old_db("UPDATE sluice_checkpoints SET epoch = 9 WHERE stage = 'one'");
  write_ok(*s, {upsert(1, 2, 2)});
  BOOST_TEST(old_db("SELECT position || '|' || epoch FROM sluice_checkpoints WHERE stage = "
                    "'one'") == "2|9");
  BOOST_TEST(old_db("SELECT v FROM fence_single WHERE id = 1") == "2");
  s.reset();
  // A cluster owner of an older epoch is refused at open.
  SinkOpts stale = single;
  stale.epoch = 4;
  auto made = PostgresSink::make(make_config(stale));
  BOOST_REQUIRE(made.ok());
  auto r = made.value()->open("");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().message.find("holds epoch 9") != std::string::npos, r.err().message);
}

BOOST_AUTO_TEST_SUITE_END()
