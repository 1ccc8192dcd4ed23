// Benchmark: kafka (Debezium JSON with schema) -> decode -> null, in process against
// librdkafka's mock cluster. Also reports the decoder alone (no Kafka).
// Usage: kafka_bench [messages=120000] [runs=5]
// The mock cluster keeps only about 5 MB per partition (older data is dropped), so the topic
// has 100 partitions: keep messages * ~3.1 KB under ~400 MB.
// Each run consumes the whole topic with a new consumer group through the `kafka` source
// (KafkaSource::poll, batches of 1024) and discards the events. The clock starts at the first
// event and restarts after a pause of more than 1 s (the group join and the mock's rebalance
// right after the first assignment, ~3 s, are not counted); the rate counts the messages
// after that point.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/common/logger.h"
#include "operators/debezium/debezium_decoder.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/kafka/kafka_source.h"
#include "operators/kafka/mock_cluster.h"

using namespace sluice;
using Clock = std::chrono::steady_clock;
constexpr int kPartitions = 100;

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

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  static int shown = 0;
  if (m->err && shown++ < 3) std::fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  long long n = argc > 1 ? std::atoll(argv[1]) : 120000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  log::set_level(log::Level::Warn);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = "bench";
  meta->db = "bank";
  meta->table = "accounts";
  meta->primary_key = {"id"};
  meta->column_names = {"id", "customer_id", "balance", "currency", "status", "opened",
                        "updated_at", "note"};
  meta->column_types = {"bigint", "int", "decimal(15,2)", "char(3)", "enum('open','closed')",
                        "date", "datetime(6)", "varchar(100)"};
  operators::debezium::DebeziumEncoder enc("bench");
  std::vector<std::pair<std::string, std::string>> msgs;
  msgs.reserve(static_cast<size_t>(n));
  size_t bytes = 0;
  for (long long i = 0; i < n; ++i) {
    Event e = make_event(i, meta);
    std::string k, v;
    enc.encode_key(e, k);
    if (!enc.encode_value(e, v).ok()) return 1;
    bytes += v.size();
    msgs.emplace_back(std::move(k), std::move(v));
  }
  std::printf("%lld messages, %.0f bytes per value on average\n", n,
              static_cast<double>(bytes) / static_cast<double>(n));

  {  // The decoder alone.
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
      operators::debezium::DebeziumDecoder dec("kin");
      Event e;
      auto t0 = Clock::now();
      for (const auto& [k, v] : msgs) {
        auto res = dec.decode(k, v, true, e);
        if (!res.ok()) {
          std::fprintf(stderr, "decode: %s\n", res.err().message.c_str());
          return 1;
        }
      }
      double s = std::chrono::duration<double>(Clock::now() - t0).count();
      rates.push_back(static_cast<double>(n) / s);
    }
    std::printf("decoder only: median %.0f msgs/s over %d runs\n", median(rates), runs);
  }

  auto cluster = operators::kafka::MockCluster::start(1);
  if (!cluster.ok()) return 1;
  if (!(*cluster)->create_topic("bench.bank.accounts", kPartitions).ok()) return 1;
  {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", (*cluster)->bootstraps().c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof(err));
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", err, sizeof(err));
    rd_kafka_conf_set_dr_msg_cb(conf, &on_delivery);
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    for (auto& [k, v] : msgs) {
      while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC("bench.bank.accounts"),
                               RD_KAFKA_V_KEY(k.data(), k.size()),
                               RD_KAFKA_V_VALUE(v.data(), v.size()), RD_KAFKA_V_END) ==
             RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(p, 10);
      }
    }
    rd_kafka_flush(p, 60000);
    int64_t total = 0;
    for (int part = 0; part < kPartitions; ++part) {
      int64_t lo = 0, hi = 0;
      rd_kafka_query_watermark_offsets(p, "bench.bank.accounts", part, &lo, &hi, 5000);
      total += hi - lo;
    }
    rd_kafka_destroy(p);
    std::printf("produced %lld messages into %d partitions\n", static_cast<long long>(total),
                kPartitions);
    if (total != n) return 1;
  }
  msgs.clear();

  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    operators::kafka::KafkaSource::Options o;
    o.stage = "kin";
    o.brokers = (*cluster)->bootstraps();
    o.topics = {"bench.bank.accounts"};
    o.group = "bench-" + std::to_string(r);
    o.properties = {{"session.timeout.ms", "6000"}};
    operators::kafka::KafkaSource src(o);
    if (!src.open("").ok()) return 1;
    std::vector<Event> out;
    long long got = 0, base = 0;
    bool started = false;
    Clock::time_point t0, last;
    auto deadline = Clock::now() + std::chrono::seconds(120);
    while (got < n && Clock::now() < deadline) {
      out.clear();
      auto pr = src.poll(1024, out);
      if (!pr.ok()) return 1;
      if (!out.empty()) {
        auto now = Clock::now();
        if (!started || now - last > std::chrono::seconds(1)) {
          started = true;
          t0 = now;
          base = got;
        }
        last = now;
      }
      got += static_cast<long long>(out.size());  // -> null
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    src.close();
    if (got < n) {
      std::fprintf(stderr, "run %d: only %lld of %lld messages\n", r + 1, got, n);
      return 1;
    }
    rates.push_back(static_cast<double>(n - base) / s);
    std::printf("run %d: %lld messages decoded in %.3f s = %.0f msgs/s\n", r + 1, n - base, s,
                rates.back());
  }
  std::printf("kafka -> decode -> null: median %.0f msgs/s over %d runs\n", median(rates), runs);
  return 0;
}
