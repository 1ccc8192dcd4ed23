// Postgres sink throughput against a private, durable (fsync on, synchronous_commit on)
// PostgreSQL 15 on this machine: snapshot rows (COPY into the empty target) and streaming
// mixed upserts/deletes (COPY into staging + INSERT ... ON CONFLICT + DELETE), in rows/s of
// sink write time (events are built outside the timed section), and peak RSS.
// Usage: postgres_sink_bench [snapshot_rows=300000] [changes=200000] [batch=5000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "base/temporal.h"
#include "operators/postgres/postgres_sink.h"
#include "tests/support/postgres_server.h"

using namespace sluice;
using operators::postgres::PostgresSink;

namespace {

std::shared_ptr<const SourceMeta> g_meta;
Sym s_id, s_cust, s_bal, s_status, s_opened, s_updated, s_note;

Event make(Op op, int64_t id, int64_t version) {
  Event e;
  e.op = op;
  e.source = g_meta;
  e.ts = 1700000000000000 + version;
  e.position = Value::int64(version);
  e.row.reserve(7);
  e.row.append(s_id, Value::int64(id));
  e.row.append(s_cust, Value::int64(id % 10007));
  e.row.append(s_bal, Value::decimal(Decimal((id * 7919 + version) % 100000000, 2)));
  e.row.append(s_status, Value::string(version % 3 == 0 ? "active" : "closed"));
  e.row.append(s_opened, Value::datetime(1600000000000000 + id * 1000));
  e.row.append(s_updated, Value::timestamp(1700000000000000 + version));
  e.row.append(s_note, Value::string("customer note " + std::to_string(id)));
  return e;
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

std::unique_ptr<PostgresSink> open(const std::string& url, int64_t batch) {
  StageConfig c;
  c.pipeline = "bench";
  c.name = "ods";
  c.options.set(intern("url"), Value::string(url));
  c.options.set(intern("table"), Value::string("ods.accounts"));
  c.options.set(intern("mode"), Value::string("upsert"));
  c.options.set(intern("metadata_columns"), Value::boolean(true));
  Object b;
  b.set(intern("rows"), Value::int64(batch));
  b.set(intern("delay"), Value::int64(0));
  c.options.set(intern("batch"), Value::object(std::move(b)));
  auto s = PostgresSink::make(c);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.err().message.c_str());
    std::exit(1);
  }
  std::unique_ptr<PostgresSink> sink(static_cast<PostgresSink*>(s.value().release()));
  auto r = sink->open("");
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.err().message.c_str());
    std::exit(1);
  }
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t snapshot_rows = argc > 1 ? std::atoll(argv[1]) : 300000;
  int64_t changes = argc > 2 ? std::atoll(argv[2]) : 200000;
  int64_t batch = argc > 3 ? std::atoll(argv[3]) : 5000;
  s_id = intern("id");
  s_cust = intern("customer_id");
  s_bal = intern("balance");
  s_status = intern("status");
  s_opened = intern("opened");
  s_updated = intern("updated_at");
  s_note = intern("note");
  auto m = std::make_shared<SourceMeta>();
  m->connector = "bench";
  m->table = "accounts";
  m->primary_key = {"id"};
  m->column_names = {"id", "customer_id", "balance", "status", "opened", "updated_at", "note"};
  m->column_types = {"bigint",      "int",          "decimal(15,2)", "enum('active','closed')",
                     "datetime(6)", "timestamp(6)", "varchar(200)"};
  g_meta = m;

  test::PostgresServer server(/*fsync=*/true);
  auto sink = open(server.url(), batch);
  std::vector<Event> evs, dead;
  evs.reserve(batch);

  // (a) snapshot
  std::chrono::steady_clock::duration t_snap{};
  int64_t version = 0;
  for (int64_t id = 0; id < snapshot_rows;) {
    evs.clear();
    for (int64_t i = 0; i < batch && id < snapshot_rows; ++i, ++id)
      evs.push_back(make(Op::Read, id, ++version));
    auto t0 = std::chrono::steady_clock::now();
    auto r = sink->write(evs, dead);
    t_snap += std::chrono::steady_clock::now() - t0;
    if (!r.ok()) {
      std::fprintf(stderr, "snapshot: %s\n", r.err().message.c_str());
      return 1;
    }
  }
  // (b) streaming: 60% updates, 20% inserts, 20% deletes
  std::mt19937_64 rng(7);
  int64_t next_id = snapshot_rows;
  std::chrono::steady_clock::duration t_stream{};
  for (int64_t done = 0; done < changes;) {
    evs.clear();
    for (int64_t i = 0; i < batch && done < changes; ++i, ++done) {
      int pick = static_cast<int>(rng() % 10);
      if (pick < 6) {
        evs.push_back(make(Op::Update, static_cast<int64_t>(rng() % next_id), ++version));
      } else if (pick < 8) {
        evs.push_back(make(Op::Create, next_id++, ++version));
      } else {
        evs.push_back(make(Op::Delete, static_cast<int64_t>(rng() % next_id), ++version));
      }
    }
    auto t0 = std::chrono::steady_clock::now();
    auto r = sink->write(evs, dead);
    t_stream += std::chrono::steady_clock::now() - t0;
    if (!r.ok()) {
      std::fprintf(stderr, "streaming: %s\n", r.err().message.c_str());
      return 1;
    }
  }
  auto st = sink->checkpoint(1);
  std::printf("postgres sink bench (fsync on, batch %lld, 7 columns + 3 cdc columns)\n",
              static_cast<long long>(batch));
  std::printf("snapshot COPY : %lld rows in %.2f s = %.0f rows/s (direct COPY batches: %llu)\n",
              static_cast<long long>(snapshot_rows), seconds(t_snap),
              snapshot_rows / seconds(t_snap),
              static_cast<unsigned long long>(sink->stats().direct_copies));
  std::printf("streaming     : %lld changes in %.2f s = %.0f changes/s\n",
              static_cast<long long>(changes), seconds(t_stream), changes / seconds(t_stream));
  std::printf("rows in target: %s, dead letters: %zu\n",
              server.psql("SELECT count(*) FROM ods.accounts").c_str(), dead.size());
  std::printf("peak RSS      : %ld MB\n", peak_rss_kb() / 1024);
  return st.ok() ? 0 : 1;
}
