// Benchmark: what `sink kafka { format = avro }` costs per message against format = debezium
// (the JSON converter form it starts from), encoding only (no Kafka, no registry: ids from a
// map). Each run encodes `messages` change events of a 12-column MySQL row (key and value) both
// ways in alternating order; prints messages/s per run and the medians, bytes per message.
// Usage: avro_encode_bench [messages=200000] [runs=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "operators/avro/avro_converter.h"
#include "operators/debezium/debezium_encoder.h"

using namespace sluice;
using Clock = std::chrono::steady_clock;

namespace {

class MapIds : public operators::avro::SchemaIds {
 public:
  result<int32_t> id_of(const std::string& subject, const std::string& schema) override {
    auto [it, fresh] = ids_.emplace(subject + "\n" + schema, static_cast<int32_t>(ids_.size()));
    (void)fresh;
    return it->second;
  }

 private:
  std::map<std::string, int32_t> ids_;
};

Event row_event(int64_t i) {
  static auto meta = [] {
    auto m = std::make_shared<SourceMeta>();
    m->connector = "mysql";
    m->name = "dbserver1";
    m->db = "bank";
    m->table = "accounts";
    m->primary_key = {"id"};
    m->column_names = {"id",     "customer_id", "iban",   "currency", "balance",    "credit_limit",
                       "opened", "status",      "branch", "rate",     "updated_at", "note"};
    m->column_types = {"bigint",        "int",           "varchar(34)", "char(3)",
                       "decimal(18,2)", "decimal(18,2)", "date",        "varchar(16)",
                       "int",           "double",        "datetime(6)", "varchar(200)"};
    m->column_not_null = {true, true, true,  true,  true, false,
                          true, true, false, false, true, false};
    return m;
  }();
  Event e;
  e.op = Op::Update;
  e.source = meta;
  e.ts = 1709214359000000LL + i;
  Object r;
  r.append(intern("id"), Value::int64(i));
  r.append(intern("customer_id"), Value::int64(i / 3));
  r.append(intern("iban"), Value::string("DE89370400440532013000"));
  r.append(intern("currency"), Value::string("EUR"));
  r.append(intern("balance"), Value::decimal(*Decimal::parse("12345.67")));
  r.append(intern("credit_limit"), Value::decimal(*Decimal::parse("5000.00")));
  r.append(intern("opened"), Value::date(19782));
  r.append(intern("status"), Value::string("active"));
  r.append(intern("branch"), Value::int64(42));
  r.append(intern("rate"), Value::float64(0.0125));
  r.append(intern("updated_at"), Value::datetime(1709214359123456LL));
  r.append(intern("note"), Value::string("standing order"));
  e.before = r;
  e.has_before = true;
  e.row = std::move(r);
  return e;
}

// Messages/s encoding `events` (key and value); bytes per message in `bytes`.
double run(const std::vector<Event>& events, bool avro, double& bytes) {
  operators::debezium::EncoderOptions o;
  o.schemas = true;
  operators::debezium::DebeziumEncoder enc("dbserver1", o);
  operators::avro::AvroConverter conv(std::make_shared<MapIds>());
  std::string key, value;
  size_t total = 0;
  const auto start = Clock::now();
  for (const Event& e : events) {
    key.clear();
    value.clear();
    enc.encode_key(e, key);
    if (!enc.encode_value(e, value).ok()) std::abort();
    if (avro && (!conv.convert("t-key", key).ok() || !conv.convert("t-value", value).ok())) {
      std::abort();
    }
    total += key.size() + value.size();
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  bytes = static_cast<double>(total) / static_cast<double>(events.size());
  return static_cast<double>(events.size()) / s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long long n = argc > 1 ? std::atoll(argv[1]) : 200000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<Event> events;
  events.reserve(static_cast<size_t>(n));
  for (long long i = 0; i < n; ++i) events.push_back(row_event(i));
  std::vector<double> json, avro;
  double json_bytes = 0, avro_bytes = 0;
  for (int r = 0; r < runs; ++r) {
    const bool avro_first = r % 2 == 1;
    double a = 0, j = 0;
    if (avro_first) a = run(events, true, avro_bytes);
    j = run(events, false, json_bytes);
    if (!avro_first) a = run(events, true, avro_bytes);
    json.push_back(j);
    avro.push_back(a);
    std::printf("run %d: debezium JSON %.0f msgs/s, avro %.0f msgs/s\n", r + 1, j, a);
  }
  std::printf(
      "median: debezium JSON %.0f msgs/s (%.0f bytes/msg), avro %.0f msgs/s (%.0f "
      "bytes/msg), avro/json %.2f\n",
      median(json), json_bytes, median(avro), avro_bytes, median(avro) / median(json));
  return 0;
}
