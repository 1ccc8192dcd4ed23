// Benchmark: kafka (Debezium JSON with schema) -> decode -> null, in process against
// librdkafka's mock cluster. Also reports the decoder alone (no Kafka).
// Usage: kafka_bench [messages=120000] [runs=5] [idle_wait_us=5000] [name=value,...]
//                    [compression=none] [consumers=1]
// The mock cluster keeps only about 5 MB per partition (older data is dropped), so the topic
// has 100 partitions: keep messages * ~3.1 KB under ~400 MB.
// Each run consumes the whole topic with a new consumer group through the `kafka` source
// (KafkaSource::poll, batches of 1024) and discards the events. The clock starts at the first
// event and restarts after a pause of more than 1 s (the group join and the mock's rebalance
// right after the first assignment, ~3 s, are not counted); the rate counts the messages
// after that point. A second figure also leaves out shorter pauses (> 250 ms with nothing to
// poll: the mock's rebalances); the CPU figures per message are load-independent.
// consumers > 1 adds the same measurement for `parallelism = consumers` (one KafkaSource per
// thread, one StageShared, one group), against one consumer in the same process and topic.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/logger.h"
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
  if (m->err && shown++ < 3)
    std::fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
}

// CPU time of the calling thread / of the whole process, in seconds (load-independent cost).
double thread_cpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
double process_cpu() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// `consumers` KafkaSource instances of one stage (one StageShared, one group) on a thread each,
// reading the whole topic of n messages: msgs/s from the first message, the clock restarting
// after a pause of more than 1 s with nothing read by any of them (the group's joins).
double parallel_run(const std::string& brokers, const std::string& group, int consumers,
                    long long n, std::chrono::microseconds idle_wait) {
  auto shared = std::make_shared<StageShared>();
  std::atomic<long long> got{0};
  std::mutex mu;
  bool started = false;
  Clock::time_point t0, last;
  long long base = 0;
  auto note = [&](size_t k) {
    std::lock_guard<std::mutex> lock(mu);
    auto now = Clock::now();
    if (!started || now - last > std::chrono::seconds(1)) {
      started = true;
      t0 = now;
      base = got.load();
    }
    last = now;
    got += static_cast<long long>(k);
  };
  std::vector<std::thread> threads;
  std::atomic<bool> failed{false};
  for (int i = 0; i < consumers; ++i) {
    threads.emplace_back([&, i] {
      operators::kafka::KafkaSource::Options o;
      o.stage = "kin";
      o.brokers = brokers;
      o.topics = {"bench.bank.accounts"};
      o.group = group;
      o.properties = {{"session.timeout.ms", "6000"}};
      o.instance = i;
      o.parallelism = consumers;
      operators::kafka::KafkaSource src(o, shared);
      if (!src.open("").ok()) {
        failed = true;
        return;
      }
      std::vector<Event> out;
      auto deadline = Clock::now() + std::chrono::seconds(120);
      while (got.load() < n && Clock::now() < deadline && !failed) {
        out.clear();
        auto pr = src.poll(1024, out);
        if (!pr.ok()) {
          failed = true;
          break;
        }
        if (!out.empty()) note(out.size());
        if (*pr == Source::Poll::Idle) std::this_thread::sleep_for(idle_wait);
      }
      src.close();
    });
  }
  for (auto& t : threads) t.join();
  if (failed || got.load() < n) return -1;
  return static_cast<double>(n - base) / std::chrono::duration<double>(last - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  long long n = argc > 1 ? std::atoll(argv[1]) : 120000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  // The engine's SourceActor waits 5 ms after an idle poll (kIdlePoll).
  // Extra librdkafka consumer settings: "name=value,name=value".
  std::vector<std::pair<std::string, std::string>> extra;
  if (argc > 4) {
    std::string all = argv[4];
    size_t at = 0;
    while (at < all.size()) {
      size_t comma = all.find(',', at);
      if (comma == std::string::npos) comma = all.size();
      std::string kv = all.substr(at, comma - at);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) extra.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      at = comma + 1;
    }
  }
  // The producer's compression.codec (none | lz4 | zstd | snappy | gzip): how the topic is
  // stored (Kafka Connect producers often compress); the consumer decompresses.
  const std::string compression = argc > 5 ? argv[5] : "none";
  const auto idle_wait = std::chrono::microseconds(argc > 3 ? std::atoll(argv[3]) : 5000);
  log::set_level(log::Level::Warn);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
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
    std::vector<double> rates, cpu_ns;
    for (int r = 0; r < runs; ++r) {
      operators::debezium::DebeziumDecoder dec("kin");
      Event e;
      const double c0 = thread_cpu();
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
      cpu_ns.push_back((thread_cpu() - c0) * 1e9 / static_cast<double>(n));
    }
    std::printf("decoder only: median %.0f msgs/s over %d runs (median CPU %.0f ns/msg)\n",
                median(rates), runs, median(cpu_ns));
  }

  auto cluster = operators::kafka::MockCluster::start(1);
  if (!cluster.ok()) return 1;
  if (!(*cluster)->create_topic("bench.bank.accounts", kPartitions).ok()) return 1;
  {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", (*cluster)->bootstraps().c_str(), err,
                      sizeof(err));
    rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof(err));
    rd_kafka_conf_set(conf, "compression.codec", compression.c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", err, sizeof(err));
    rd_kafka_conf_set_dr_msg_cb(conf, &on_delivery);
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    for (auto& [k, v] : msgs) {
      while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC("bench.bank.accounts"),
                               RD_KAFKA_V_KEY(k.data(), k.size()),
                               RD_KAFKA_V_VALUE(v.data(), v.size()),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
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
    std::printf("produced %lld messages into %d partitions (compression %s)\n",
                static_cast<long long>(total), kPartitions, compression.c_str());
    if (total != n) return 1;
  }
  msgs.clear();

  std::vector<double> rates, poll_ns, all_ns, flowing;
  for (int r = 0; r < runs; ++r) {
    operators::kafka::KafkaSource::Options o;
    o.stage = "kin";
    o.brokers = (*cluster)->bootstraps();
    o.topics = {"bench.bank.accounts"};
    o.group = "bench-" + std::to_string(r);
    o.properties = {{"session.timeout.ms", "6000"}};
    for (const auto& kv : extra) o.properties.push_back(kv);
    operators::kafka::KafkaSource src(o);
    if (!src.open("").ok()) return 1;
    std::vector<Event> out;
    long long got = 0, base = 0;
    bool started = false;
    Clock::time_point t0, last;
    double tc0 = 0, pc0 = 0;
    Clock::duration gaps{};  // pauses > 250 ms with nothing polled (mock group rebalances)
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
          tc0 = thread_cpu();
          pc0 = process_cpu();
          gaps = Clock::duration::zero();
          last = now;
        }
        if (now - last > std::chrono::milliseconds(250)) gaps += now - last;
        last = now;
      }
      got += static_cast<long long>(out.size());  // -> null
      // Like the engine's source actor: an idle poll waits before the next one (a busy loop
      // would take the CPU from librdkafka's fetch thread and the mock broker).
      if (*pr == Source::Poll::Idle) std::this_thread::sleep_for(idle_wait);
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double tc = thread_cpu() - tc0, pc = process_cpu() - pc0;
    src.close();
    if (got < n) {
      std::fprintf(stderr, "run %d: only %lld of %lld messages\n", r + 1, got, n);
      return 1;
    }
    const double m = static_cast<double>(n - base);
    rates.push_back(m / s);
    flowing.push_back(m / (s - std::chrono::duration<double>(gaps).count()));
    poll_ns.push_back(tc * 1e9 / m);
    all_ns.push_back(pc * 1e9 / m);
    std::printf(
        "run %d: %lld messages decoded in %.3f s = %.0f msgs/s; CPU per message: "
        "%.0f ns polling thread, %.0f ns whole process (incl. librdkafka + mock broker); "
        "%.0f msgs/s without pauses > 250 ms\n",
        r + 1, n - base, s, rates.back(), poll_ns.back(), all_ns.back(), flowing.back());
  }
  std::printf(
      "kafka -> decode -> null: median %.0f msgs/s over %d runs; median CPU %.0f ns/msg "
      "polling thread, %.0f ns/msg process\n",
      median(rates), runs, median(poll_ns), median(all_ns));
  std::printf(
      "kafka -> decode -> null without pauses > 250 ms (mock group rebalances): median "
      "%.0f msgs/s\n",
      median(flowing));
  const int consumers = argc > 6 ? std::atoi(argv[6]) : 1;
  if (consumers > 1) {  // parallelism = consumers against one consumer, runs alternating
    std::vector<double> one, many;
    for (int r = 0; r < runs; ++r) {
      for (int c : {1, consumers}) {
        double rate =
            parallel_run((*cluster)->bootstraps(),
                         "par-" + std::to_string(c) + "-" + std::to_string(r), c, n, idle_wait);
        if (rate < 0) {
          std::fprintf(stderr, "parallel run with %d consumers failed\n", c);
          return 1;
        }
        (c == 1 ? one : many).push_back(rate);
        std::printf("run %d, %d consumer(s): %.0f msgs/s\n", r + 1, c, rate);
      }
    }
    std::printf("parallelism %d: median %.0f msgs/s; one consumer: median %.0f msgs/s (x%.2f)\n",
                consumers, median(many), median(one), median(many) / median(one));
  }
  return 0;
}
