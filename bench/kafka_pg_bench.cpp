// Benchmark: kafka (Debezium JSON with schema) -> sink postgres (upsert), end to end through
// the engine (engine::run, the same path as `sluice run`), against librdkafka's mock cluster
// (in process) and a private, durable PostgreSQL 15 (fsync on).
// Usage: kafka_pg_bench [messages=100000] [runs=5]
// Each run: a fresh consumer group and a fresh target database; the pipeline runs until idle (8 s).
// A thread counts the target's rows every 50 ms; the rate is the rows that arrived between the
// first row seen and the last, over that time (the group join, ~3 s, is not counted).
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "base/logger.h"
#include "dsl/loader.h"
#include "engine/actors/runner.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/kafka/mock_cluster.h"
#include "operators/registry.h"
#include "tests/support/postgres_server.h"

using namespace sluice;
using Clock = std::chrono::steady_clock;
constexpr int kPartitions = 100;  // the mock keeps ~5 MB per partition

namespace {

Event make_event(int64_t i, const std::shared_ptr<SourceMeta>& meta) {
  Event e;
  e.op = Op::Create;
  e.source = meta;
  e.ts = 1709214359000000LL + i * 1000;
  e.row.append(intern("id"), Value::int64(i));
  e.row.append(intern("customer_id"), Value::int64(i % 1000));
  e.row.append(intern("balance"), Value::decimal(Decimal(i * 37 + 12345, 2)));
  e.row.append(intern("currency"), Value::string("EUR"));
  e.row.append(intern("status"), Value::string(i % 2 ? "open" : "closed"));
  e.row.append(intern("opened"), Value::date(19000 + static_cast<int32_t>(i % 700)));
  e.row.append(intern("updated_at"), Value::datetime(1709214359123456LL + i));
  e.row.append(intern("note"), Value::string("account number " + std::to_string(i)));
  return e;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  long long n = argc > 1 ? std::atoll(argv[1]) : 100000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  log::set_level(log::Level::Warn);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  test::PostgresServer pg(/*fsync=*/true);

  auto cluster = operators::kafka::MockCluster::start(1);
  if (!cluster.ok()) return 1;
  if (!(*cluster)->create_topic("bench.bank.accounts", kPartitions).ok()) return 1;
  {
    auto meta = std::make_shared<SourceMeta>();
    meta->connector = "mysql";
    meta->name = "bench";
    meta->db = "bank";
    meta->table = "accounts";
    meta->primary_key = {"id"};
    meta->column_names = {"id",     "customer_id", "balance",    "currency",
                          "status", "opened",      "updated_at", "note"};
    meta->column_types = {
        "bigint", "int",         "decimal(15,2)", "char(3)", "enum('open','closed')",
        "date",   "datetime(6)", "varchar(100)"};
    operators::debezium::DebeziumEncoder enc("bench");
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", (*cluster)->bootstraps().c_str(), err,
                      sizeof(err));
    rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof(err));
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", err, sizeof(err));
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    std::string k, v;
    for (long long i = 0; i < n; ++i) {
      Event e = make_event(i, meta);
      k.clear();
      v.clear();
      enc.encode_key(e, k);
      if (!enc.encode_value(e, v).ok()) return 1;
      while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC("bench.bank.accounts"),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_KEY(k.data(), k.size()),
                               RD_KAFKA_V_VALUE(v.data(), v.size()),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(p, 10);
      }
    }
    rd_kafka_flush(p, 60000);
    rd_kafka_destroy(p);
  }
  std::printf("%lld messages produced into %d partitions\n", n, kPartitions);

  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    // A fresh database per run (the sink keeps its checkpoint table in the target database).
    const std::string db = "bench" + std::to_string(r);
    pg.psql("CREATE DATABASE " + db + ";");
    pg.psql("CREATE SCHEMA ods;", db);
    const std::string url = pg.url(db);
    const std::string text =
        "pipeline kafka_pg {\n"
        "  source kafka kin { brokers = \"" +
        (*cluster)->bootstraps() + "\"  topics = [\"bench.bank.accounts\"]  group = \"bench-pg-" +
        std::to_string(r) +
        "\"  format = debezium  properties = [\"session.timeout.ms=6000\"] }\n"
        "  sink postgres ods from kin { url = \"" +
        url +
        "\"  table = \"ods.\" + @table  mode = upsert  create_tables = true }\n"
        "}\n";
    auto loaded = dsl::load_text("bench.pipe", text, operators::registry().specs());
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", dsl::format(loaded).c_str());
      return 1;
    }
    std::atomic<bool> done{false};
    long long first_rows = 0, last_rows = 0;
    Clock::time_point t_first, t_last;
    std::thread counter([&] {
      bool seen = false;
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        long long c = 0;
        try {
          pqxx::connection conn(url);
          pqxx::work w(conn);
          auto res = w.exec("SELECT count(*) FROM ods.accounts");
          c = res[0][0].as<long long>();
        } catch (const std::exception&) {
          continue;  // not created yet
        }
        auto now = Clock::now();
        if (c > 0 && !seen) {
          seen = true;
          first_rows = c;
          t_first = now;
        }
        if (c > last_rows) {
          last_rows = c;
          t_last = now;
        }
        if (c >= n) break;
      }
    });
    engine::RunOptions opts;
    opts.quiet = true;
    opts.exit_when_idle_us = 8000000;  // longer than the group join
    char tmpl[] = "/tmp/kafka-pg-bench-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return 1;
    opts.state_dir = tmpl;  // fresh: the run starts from the group's (new) start
    auto res = engine::run(loaded.file, operators::registry(), opts);
    done = true;
    counter.join();
    for (const auto& f : res.failures) std::fprintf(stderr, "failure: %s\n", f.c_str());
    std::filesystem::remove_all(tmpl);
    if (last_rows < n) {
      std::fprintf(stderr, "run %d: only %lld of %lld rows\n", r + 1, last_rows, n);
      return 1;
    }
    double s = std::chrono::duration<double>(t_last - t_first).count();
    rates.push_back(static_cast<double>(last_rows - first_rows) / s);
    std::printf("run %d: %lld rows in %.3f s after the first = %.0f rows/s\n", r + 1,
                last_rows - first_rows, s, rates.back());
  }
  std::printf("kafka -> postgres (upsert, fsync on): median %.0f rows/s over %d runs\n",
              median(rates), runs);
  return 0;
}
