#include "operators/kafka/kafka_sink.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "base/event_codec.h"
#include "base/json.h"
#include "base/logger.h"
#include "base/secrets.h"
#include "base/temporal.h"
#include "operators/common/stage_options.h"
#include "operators/debezium/schema_change_message.h"
#include "operators/kafka/client_config.h"
#include "operators/kafka/errc.h"
#include "operators/kafka/kafka_spec.h"
#include "operators/kafka/topic_name.h"

namespace sluice::operators::kafka {

KafkaSink::~KafkaSink() { close(); }

namespace {

// exactly_once places messages itself (the same partition on a replay): the hash of the
// `partitioner` property (librdkafka's default, consistent_random, hashes keys with CRC32).
result<KafkaSink::Options::Partitioner> partitioner_for(
    const std::vector<std::pair<std::string, std::string>>& properties) {
  std::string name = "consistent_random";
  for (const auto& [k, v] : properties) {
    if (k == "partitioner") name = v;
  }
  if (name == "consistent" || name == "consistent_random") {
    return &rd_kafka_msg_partitioner_consistent;
  }
  if (name == "murmur2" || name == "murmur2_random") return &rd_kafka_msg_partitioner_murmur2;
  if (name == "fnv1a" || name == "fnv1a_random") return &rd_kafka_msg_partitioner_fnv1a;
  return error::fatal(
      "exactly_once needs a partitioner that hashes the key (consistent, "
      "murmur2 or fnv1a, optionally _random), not \"" +
      name + "\"");
}

}  // namespace

result<std::unique_ptr<Sink>> KafkaSink::make(const StageConfig& cfg) {
  auto read = bound_sink_spec().read(cfg);
  if (!read.ok()) return read.err();
  const SinkDeclared& d = read.value();
  Options o;
  std::string where = "sink kafka " + cfg.name + ": ";
  o.stage = cfg.name;
  o.brokers = d.brokers;
  o.debezium = d.format == SinkFormat::Debezium || d.format == SinkFormat::Avro;
  o.encoding.decimal = d.decimal;
  o.encoding.time = d.time_precision;
  o.encoding.bigint_unsigned = d.bigint_unsigned;
  o.encoding.schemas = d.schemas;
  if (d.format == SinkFormat::Avro) {
    if (d.registry_url.empty()) {
      return error::fatal(errc::client, where +
                                            "format = avro needs schema_registry { url = "
                                            "\"http://HOST:8081\" }");
    }
    if (d.registry_url.rfind("http://", 0) != 0 && d.registry_url.rfind("https://", 0) != 0) {
      return error::fatal(errc::client,
                          where + "schema_registry url must start with http:// or https://");
    }
    if (d.registry_url.find('@') != std::string::npos) {
      return error::fatal(errc::client, where +
                                            "schema_registry url: put the credentials in "
                                            "schema_registry { user  password }");
    }
    o.avro = true;
    o.encoding.schemas = true;  // the converter reads the JSON converter's schema
    o.registry.url = d.registry_url;
    o.registry.user = d.registry_user;
    o.registry.password = d.registry_password;
  }
  o.tombstones = d.tombstones;
  o.transaction_metadata = d.transaction_metadata;
  o.schema_changes = d.schema_changes;
  auto it = cfg.expr_options.find("topic");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok()) return error::fatal(errc::client, where + "topic: " + c.err().message);
    o.topic = std::move(c.value());
  } else {
    o.topic_constant = cfg.option_string("topic", "");
  }
  o.key = d.key;
  o.server = d.server;
  o.flush_timeout_ms = d.flush_timeout_us / 1000;
  o.properties = read_properties(d.properties);
  o.exactly_once = d.exactly_once;
  o.heartbeat_interval_ms = d.heartbeat_interval_us / 1000;
  o.heartbeat_prefix = d.heartbeat_prefix;
  o.writer = "sluice." + cfg.pipeline + "." + cfg.name;
  if (o.exactly_once) {
    auto p = partitioner_for(o.properties);
    if (!p.ok()) return error::fatal(errc::client, where + p.err().message);
    o.partitioner = *p;
  }
  return std::unique_ptr<Sink>(new KafkaSink(std::move(o)));
}

// Errors a broker (or librdkafka) gives one message that no retry can change.
bool KafkaSink::refused_for_good(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return true;
    default:
      return false;
  }
}

void KafkaSink::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  const auto id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m->_private));
  if (m->err && !(id != 0 && refused_for_good(m->err))) {
    if (self->failed_.fetch_add(1) == 0) {
      self->first_failure_ =
          std::string(rd_kafka_err2str(m->err)) + " (topic " + rd_kafka_topic_name(m->rkt) + ")";
    }
  } else if (!m->err) {
    self->delivered_.fetch_add(1);
  }
  if (id != 0) self->delivered(id, m->err);
}

// Called from rd_kafka_poll/flush on the sink's own thread.
void KafkaSink::delivered(uint64_t id, rd_kafka_resp_err_t err) {
  if (id < base_id_ || id - base_id_ >= inflight_.size()) return;
  const size_t at = id - base_id_;
  if (err && refused_for_good(err)) {
    Event e = std::move(inflight_[at]);
    mark_dead(e, o_.stage, errc::delivery,
              std::string("sink kafka: the broker refused the message: ") + rd_kafka_err2str(err));
    refused_.push_back(std::move(e));
  }
  inflight_done_[at] = true;
  while (!inflight_done_.empty() && inflight_done_.front()) {
    inflight_.pop_front();
    inflight_done_.pop_front();
    ++base_id_;
  }
}

void KafkaSink::take_dead(std::vector<Event>& dead) {
  for (auto& e : refused_) dead.push_back(std::move(e));
  refused_.clear();
}

result<void> KafkaSink::open(const std::string& state) {
  close();
  // A delivery that failed in this process may have left a gap before messages that landed:
  // the gate would skip the lost one, so this restart is at least once.
  const bool gap = failed_.load() > 0;
  failed_ = 0;
  first_failure_.clear();
  inflight_.clear();
  inflight_done_.clear();
  refused_.clear();
  write_dead_.clear();
  resume_ = {};
  std::vector<std::pair<std::string, std::string>> kv = {
      {"bootstrap.servers", o_.brokers},
      {"enable.idempotence", "true"},
      {"linger.ms", "5"},
      {"client.id", "sluice-" + o_.stage},
  };
  kv.insert(kv.end(), o_.properties.begin(), o_.properties.end());
  auto conf = make_conf(kv);
  if (!conf.ok()) return conf.err();
  rd_kafka_conf_set_opaque(*conf, this);
  rd_kafka_conf_set_dr_msg_cb(*conf, &KafkaSink::on_delivery);
  char err[512];
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, *conf, err, sizeof(err));
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return error::fatal(errc::client, std::string("sink kafka: ") + err);
  }
  if (o_.exactly_once) open_exactly_once(state, gap);
  return {};
}

// State "eos;<epoch hex>;<seq>": a restart replays from there; no state starts a new epoch
// (messages of an earlier state of this writer are not compared with).
void KafkaSink::open_exactly_once(const std::string& state, bool gap) {
  gate_.clear();
  warned_differing_ = false;
  seq_ = 0;
  unsigned long long epoch = 0;
  long long seq = 0;
  if (std::sscanf(state.c_str(), "eos;%llx;%lld", &epoch, &seq) == 2) {
    epoch_ = epoch;
    seq_ = seq;
    if (!gap) {
      gate_.arm();
    } else {
      log::warn("kafka", "sink '" + o_.stage +
                             "': deliveries failed before this restart: the "
                             "replayed messages are produced again (at least once)");
    }
  } else {
    std::random_device rd;
    epoch_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  tails_ = std::make_unique<TailReader>(o_.brokers, o_.properties,
                                        static_cast<int>(o_.flush_timeout_ms));
}

result<void> KafkaSink::produce(const std::string& topic, const std::string* key,
                                const std::string* value, rd_kafka_headers_t* headers, uint64_t id,
                                int32_t partition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.flush_timeout_ms);
  while (true) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key ? key->data() : nullptr, key ? key->size() : 0),
        RD_KAFKA_V_VALUE(value ? const_cast<char*>(value->data()) : nullptr,
                         value ? value->size() : 0),
        RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(id))), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_poll(rk_, 50);  // serve delivery reports, make room
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return error::transient(errc::produce, "sink kafka: producer queue full for " +
                                                 std::to_string(o_.flush_timeout_ms) + " ms");
    }
    if (e == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      rd_kafka_fatal_error(rk_, buf, sizeof(buf));
      return error::fatal(errc::client, std::string("sink kafka: ") + buf);
    }
    return error::permanent(
        errc::produce, std::string("sink kafka: produce to ") + topic + ": " + rd_kafka_err2str(e));
  }
}

// The logical server name (`server`, else the source stage's name).
std::string KafkaSink::server_of(const Event& e) const {
  if (!o_.server.empty()) return o_.server;
  return e.source && !e.source->name.empty() ? e.source->name : "sluice";
}

result<std::string> KafkaSink::topic_for(const Event& e) {
  if (o_.topic) {
    eval::Context ctx;
    ctx.event = &e;
    ctx.row = &e.row;
    auto v = eval::evaluate(*o_.topic, ctx);
    if (!v.ok()) return error::permanent(v.err().code, "topic: " + v.err().message);
    if (v->type() != Type::String || v->as_string().empty()) {
      return error::permanent(errc::topic, "topic expression gave " + v->to_display());
    }
    return topic_name(std::move(v->as_string()));
  }
  if (!o_.topic_constant.empty()) return topic_name(o_.topic_constant);
  return topic_name(debezium::DebeziumEncoder(server_of(e)).default_topic(e));
}

std::string KafkaSink::topic_name(std::string name) {
  if (kafka_topic_valid(name)) return name;  // the common case: no copy
  std::string topic = kafka_topic_name(name);
  if (renamed_topics_.insert(name).second) {
    log::warn("kafka", "sink '" + o_.stage + "': '" + name +
                           "' is no Kafka topic name (characters [a-zA-Z0-9._-], at most 249): "
                           "writing to '" +
                           topic + "', the name Debezium gives it");
  }
  return topic;
}

void KafkaSink::dead_letter_headers(const Event& e, rd_kafka_headers_t* h) {
  const DeadLetterInfo& d = *e.dead_letter;
  auto add = [h](const char* name, const std::string& v) {
    rd_kafka_header_add(h, name, -1, v.data(), static_cast<ssize_t>(v.size()));
  };
  if (e.position.type() == Type::Object) {
    const Object& p = e.position.as_object();
    const Value* t = p.find(intern("topic"));
    const Value* pa = p.find(intern("partition"));
    const Value* o = p.find(intern("offset"));
    if (t && pa && o && t->type() == Type::String) {
      add("__connect.errors.topic", t->as_string());
      add("__connect.errors.partition", pa->to_display());
      add("__connect.errors.offset", o->to_display());
    }
  }
  add("__connect.errors.stage", d.stage);
  add("__connect.errors.connector.name", d.stage);
  add("__connect.errors.exception.class.name", "sluice." + d.kind());
  add("__connect.errors.exception.message", secrets::redact(d.message));
  add("sluice.errors.kind", d.kind());
  add("sluice.errors.code", d.code.qualified());
  add("sluice.errors.attempts", std::to_string(d.attempts));
  add("sluice.errors.at", temporal::format_timestamp(d.at));
  if (!e.position.is_null()) add("sluice.errors.position", json::encode(e.position));
}

result<void> KafkaSink::write(std::vector<Event>& events, std::vector<Event>& dead) {
  if (rk_ == nullptr) return error::fatal(errc::client, "sink kafka: write before open");
  size_t i = 0;
  bool tombstone = false;
  if (resume_.data == events.data() && resume_.size == events.size()) {
    i = resume_.next;  // the retry of a call that failed at event `next`
    tombstone = resume_.tombstone;
  } else {
    write_dead_.clear();
  }
  resume_ = {};
  Object key_obj;
  for (; i < events.size(); ++i) {
    tombstone_only_ = tombstone;
    tombstone = false;
    auto r = write_one(events[i], key_obj);
    if (!r.ok()) {
      resume_ = {events.data(), events.size(), i, tombstone_only_};
      return r;
    }
  }
  tombstone_only_ = false;
  rd_kafka_poll(rk_, 0);
  for (auto& e : write_dead_) dead.push_back(std::move(e));
  write_dead_.clear();
  take_dead(dead);
  return {};
}

// With transaction_metadata: the transaction's BEGIN before its first change, the END after its
// last (transaction_topic.h); a retried write finds its BEGIN produced already.
result<void> KafkaSink::write_one(Event& e, Object& key_obj) {
  if (e.op == Op::Schema && !e.dead_letter) return write_schema_change(e);
  if (!o_.transaction_metadata || !o_.debezium || e.dead_letter) {
    return write_record(e, key_obj, nullptr);
  }
  debezium::TxBlock block;
  const bool in_txn = txn_.before(e, o_.encoding.schemas, txn_msgs_, block);
  auto r = produce_transaction_messages(e);
  if (!r.ok()) return r;
  r = write_record(e, key_obj, in_txn ? &block : nullptr);
  if (!r.ok() || !in_txn) return r;
  txn_.after(e, o_.encoding.schemas, txn_msgs_);
  return produce_transaction_messages(e);
}

// Like Debezium: every schema change of a server goes to partition 0 of its topic, without
// sluice.seq (a replay after a crash may repeat one, as with the transaction messages).
result<void> KafkaSink::write_schema_change(Event& e) {
  if (!o_.debezium || !o_.schema_changes) return {};
  const std::string server = server_of(e);
  const std::string topic = topic_name(server);
  std::string key, value;
  debezium::encode_schema_change_key(e, o_.encoding.schemas, key);
  debezium::encode_schema_change_value(e, server, o_.encoding.schemas,
                                       temporal::now_micros() / 1000, value);
  auto r = o_.avro ? to_avro(topic, &key, &value) : result<void>();
  if (r.ok()) r = produce(topic, &key, &value, nullptr, 0, 0);
  if (!r.ok() && r.err().kind != failure_kind::permanent) return r;
  if (!r.ok()) dead_on_write(e, r.err(), errc::produce);
  return {};
}

result<void> KafkaSink::produce_transaction_messages(const Event& e) {
  if (txn_msgs_.empty()) return {};
  const std::string topic = topic_name(server_of(e) + ".transaction");
  for (size_t i = 0; i < txn_msgs_.size(); ++i) {
    std::string key = txn_msgs_[i].key, value = txn_msgs_[i].value;
    auto r = o_.avro ? to_avro(topic, &key, &value) : result<void>();
    if (r.ok()) r = produce(topic, &key, &value, nullptr);
    if (!r.ok() && r.err().kind != failure_kind::permanent) {
      txn_msgs_.erase(txn_msgs_.begin(), txn_msgs_.begin() + static_cast<long>(i));
      return r;
    }
    if (!r.ok())
      log::warn("kafka",
                "sink '" + o_.stage + "': transaction message dropped: " + r.err().message);
  }
  txn_msgs_.clear();
  return {};
}

void KafkaSink::dead_on_write(const Event& e, const error& err, errc fallback) {
  Event copy = e;
  mark_dead(copy, o_.stage, err.code ? err.code : error_code(fallback), err.message);
  write_dead_.push_back(std::move(copy));
}

result<void> KafkaSink::write_record(Event& e, Object& key_obj, const debezium::TxBlock* tx) {
  auto topic = topic_for(e);
  if (!topic.ok()) {
    if (e.dead_letter) {
      log::warn("kafka", "sink '" + o_.stage + "': dead letter dropped: " + topic.err().message);
      return {};
    }
    Event copy = e;
    mark_dead(copy, o_.stage, topic.err());
    write_dead_.push_back(std::move(copy));
    return {};
  }
  key_buf_.clear();
  value_buf_.clear();
  bool has_key = false;
  if (!o_.key.empty()) {
    key_obj.clear();
    for (const auto& k : o_.key) {
      const Value* v = e.row.find(intern(k));
      key_obj.append(intern(k), v ? *v : Value());
    }
    json::encode(Value::object(key_obj), key_buf_);
    has_key = true;
  }
  if (e.dead_letter) return write_dead_letter(*topic, e, key_obj, has_key);
  if (e.op == Op::Truncate) has_key = false;  // a truncate names a table, no row: no key
  if (o_.heartbeat_interval_ms > 0 && o_.server.empty() && e.source && !e.source->name.empty() &&
      e.source->name != last_server_) {
    last_server_ = e.source->name;
  }
  auto encoded = encode_change(*topic, e, key_obj, tx, has_key);
  if (!encoded.ok()) return encoded.err();
  if (!*encoded) return {};
  const bool tombstone =  // for log compaction
      o_.debezium && o_.tombstones && e.op == Op::Delete && has_key;
  if (o_.exactly_once) return produce_exactly_once(*topic, e, has_key, tombstone);
  const uint64_t id = base_id_ + inflight_.size();
  auto r = produce(*topic, has_key ? &key_buf_ : nullptr, &value_buf_, nullptr, id);
  if (!r.ok()) {
    if (r.err().kind != failure_kind::permanent) return r;
    dead_on_write(e, r.err(), errc::produce);
    return {};
  }
  // Kept until its delivery report (a refusal makes it a dead letter). The engine may still
  // dead-letter the whole batch after a failed call: `e` stays intact.
  inflight_.push_back(e);
  inflight_done_.push_back(false);
  if (tombstone) {
    auto t = produce(*topic, &key_buf_, nullptr, nullptr);
    if (!t.ok() && t.err().kind != failure_kind::permanent) return t;
  }
  return {};
}

result<void> KafkaSink::write_dead_letter(const std::string& topic, const Event& e, Object& key_obj,
                                          bool has_key) {
  if (!has_key && debezium::key_columns(e, key_obj)) {
    json::encode(Value::object(key_obj), key_buf_);
    has_key = true;
  }
  event_codec::append_dead_letter(e, value_buf_);
  rd_kafka_headers_t* h = rd_kafka_headers_new(12);
  dead_letter_headers(e, h);
  auto r = produce(topic, has_key ? &key_buf_ : nullptr, &value_buf_, h);
  if (!r.ok()) {
    if (r.err().kind != failure_kind::permanent) return r;
    log::warn("kafka", "sink '" + o_.stage + "': dead letter dropped: " + r.err().message);
  }
  return {};
}

result<bool> KafkaSink::encode_change(const std::string& topic, const Event& e, Object& key_obj,
                                      const debezium::TxBlock* tx, bool& has_key) {
  if (o_.debezium) {
    debezium::DebeziumEncoder enc(server_of(e), o_.encoding);
    if (!has_key && e.op != Op::Truncate) has_key = enc.encode_key(e, key_buf_);
    auto r = enc.encode_value(e, value_buf_, tx);
    if (r.ok() && o_.avro) r = to_avro(topic, has_key ? &key_buf_ : nullptr, &value_buf_);
    if (!r.ok()) {
      if (r.err().kind != failure_kind::permanent) return r.err();
      dead_on_write(e, r.err(), errc::encode);
      return false;
    }
    return true;
  }
  if (!has_key && e.op != Op::Truncate && debezium::key_columns(e, key_obj)) {
    json::encode(Value::object(key_obj), key_buf_);
    has_key = true;
  }
  event_codec::append_event(e, value_buf_);
  return true;
}

result<void> KafkaSink::to_avro(const std::string& topic, std::string* key, std::string* value) {
  if (!avro_)
    avro_ =
        std::make_unique<avro::AvroConverter>(std::make_shared<avro::SchemaRegistry>(o_.registry));
  // In place: on an error the caller drops both (the record is retried or dead-lettered).
  if (key != nullptr) {
    if (auto r = avro_->convert(topic + "-key", *key); !r.ok()) return r;
  }
  if (value != nullptr) return avro_->convert(topic + "-value", *value);
  return {};
}

result<void> KafkaSink::produce_exactly_once(const std::string& topic, const Event& e, bool has_key,
                                             bool tombstone) {
  if (!tombstone_only_) {
    const uint64_t id = base_id_ + inflight_.size();
    auto r = produce_once(topic, has_key ? &key_buf_ : nullptr, &value_buf_,
                          identity_of(e, has_key, false), id);
    if (!r.ok()) {
      if (r.err().kind != failure_kind::permanent) return r.err();
      dead_on_write(e, r.err(), errc::produce);
      return {};
    }
    if (*r) {  // produced (not held by its partition already): kept until its report
      inflight_.push_back(e);
      inflight_done_.push_back(false);
    }
    if (tombstone) tombstone_only_ = true;  // a retry from here produces only the tombstone
  }
  if (tombstone) {
    auto t = produce_once(topic, &key_buf_, nullptr, identity_of(e, true, true), 0);
    if (!t.ok() && t.err().kind != failure_kind::permanent) return t.err();
  }
  tombstone_only_ = false;
  return {};
}

result<KafkaSink::TopicInfo*> KafkaSink::topic_info(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    TopicInfo t;
    t.rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    if (t.rkt == nullptr) {
      return error::permanent(errc::topic, "sink kafka: topic " + topic + ": " +
                                               rd_kafka_err2str(rd_kafka_last_error()));
    }
    it = topics_.emplace(topic, t).first;
  }
  TopicInfo& t = it->second;
  if (t.partitions == 0) {
    auto n = partitions_of(t.rkt);
    if (!n.ok()) return n.err();
    t.partitions = *n;
  }
  if (gate_.armed() && !gate_.knows(topic)) {  // the first message to it since the restart
    auto tails = tails_->read(topic, t.partitions, o_.writer, epoch_);
    if (!tails.ok()) return tails.err();
    int64_t newest = 0;
    for (const auto& x : *tails) newest = std::max(newest, x.seq);
    if (newest > seq_) {
      log::info("kafka", "sink '" + o_.stage + "': " + topic + " holds messages up to sequence " +
                             std::to_string(newest) + " (checkpoint: " + std::to_string(seq_) +
                             "); the replayed ones are not produced again");
    }
    gate_.learn(topic, std::move(tails).value());
  }
  return &t;
}

// The topic's partition count from the brokers (a topic being auto-created may report none
// for a moment: asked again until flush_timeout).
result<int32_t> KafkaSink::partitions_of(rd_kafka_topic_t* rkt) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.flush_timeout_ms);
  std::string why;
  do {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk_, 0, rkt, &md, 5000);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
      int32_t n = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
                      ? md->topics[0].partition_cnt
                      : 0;
      why = md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "no metadata";
      rd_kafka_metadata_destroy(md);
      if (n > 0) return n;
    } else {
      why = rd_kafka_err2str(e);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  return error::transient(errc::topic, std::string("sink kafka: the partitions of topic ") +
                                           rd_kafka_topic_name(rkt) + " are unknown: " + why);
}

uint64_t KafkaSink::identity_of(const Event& e, bool has_key, bool tombstone) {
  IdentityHash h;
  h.add(std::string_view(tombstone ? "t" : op_code(e.op)));
  if (has_key) h.add(key_buf_);
  if (!e.position.is_null()) {
    seq_buf_.clear();
    json::encode(e.position, seq_buf_);
    h.add(seq_buf_);
  }
  return h.value();
}

// exactly_once: the next sequence number, produced to the partition its key hashes to with a
// sluice.seq header, unless that partition already holds it (false then).
result<bool> KafkaSink::produce_once(const std::string& topic, const std::string* key,
                                     const std::string* value, uint64_t identity, uint64_t id) {
  auto info = topic_info(topic);
  if (!info.ok()) return info.err();
  const TopicInfo& t = **info;
  const int64_t seq = seq_ + 1;
  const int32_t partition =
      key != nullptr
          ? o_.partitioner(t.rkt, key->data(), key->size(), t.partitions, nullptr, nullptr)
          : static_cast<int32_t>(identity % static_cast<uint64_t>(t.partitions));
  if (gate_.holds(topic, partition, seq, identity)) {
    seq_ = seq;
    if (gate_.differing() == 1 && !warned_differing_) {
      warned_differing_ = true;
      log::warn("kafka", "sink '" + o_.stage + "': the replay differs from what " + topic + "[" +
                             std::to_string(partition) + "] holds at sequence " +
                             std::to_string(seq) +
                             " (the source does not replay in order): the topic keeps the "
                             "earlier run's messages up to its newest sequence numbers");
    }
    return false;
  }
  SeqHeader::encode(o_.writer, epoch_, seq, identity, seq_buf_);
  rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
  rd_kafka_header_add(headers, SeqHeader::kName, -1, seq_buf_.data(),
                      static_cast<ssize_t>(seq_buf_.size()));
  auto r = produce(topic, key, value, headers, id, partition);
  if (r.ok() || r.err().kind == failure_kind::permanent) seq_ = seq;
  if (!r.ok()) return r.err();
  return true;
}

// Debezium's heartbeat message (key ServerNameKey, value Heartbeat), without sluice.seq: a
// repeated heartbeat is harmless.
result<void> KafkaSink::heartbeat() {
  const int64_t now_ms = temporal::now_micros() / 1000;
  if (o_.heartbeat_interval_ms <= 0 || now_ms - last_heartbeat_ms_ < o_.heartbeat_interval_ms) {
    return {};
  }
  const std::string& server = o_.server.empty() ? last_server_ : o_.server;
  if (server.empty()) return {};  // (no change seen yet to name the server)
  std::string key, value;
  if (o_.debezium) {
    key =
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
        "\"field\":\"serverName\"}],\"optional\":false,\"name\":"
        "\"io.debezium.connector.common.ServerNameKey\"},\"payload\":{\"serverName\":";
    json::encode_string(server, key);
    key += "}}";
    value =
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,"
        "\"field\":\"ts_ms\"}],\"optional\":false,\"name\":"
        "\"io.debezium.connector.common.Heartbeat\"},\"payload\":{\"ts_ms\":" +
        std::to_string(now_ms) + "}}";
  } else {
    key = "{\"serverName\":";
    json::encode_string(server, key);
    key += "}";
    value = "{\"ts_ms\":" + std::to_string(now_ms) + "}";
  }
  const std::string topic = topic_name(o_.heartbeat_prefix + "." + server);
  auto r = o_.avro ? to_avro(topic, &key, &value) : result<void>();
  if (r.ok()) r = produce(topic, &key, &value, nullptr);
  if (!r.ok() && r.err().kind != failure_kind::permanent) return r;
  if (!r.ok()) log::warn("kafka", "sink '" + o_.stage + "': heartbeat: " + r.err().message);
  last_heartbeat_ms_ = now_ms;
  return {};
}

result<std::string> KafkaSink::checkpoint(uint64_t /*id*/) {
  if (rk_ == nullptr) return error::fatal(errc::client, "sink kafka: checkpoint before open");
  if (auto h = heartbeat(); !h.ok()) return h.err();
  rd_kafka_resp_err_t e = rd_kafka_flush(rk_, static_cast<int>(o_.flush_timeout_ms));
  if (failed_.load() > 0) {
    return error::transient(errc::delivery,
                            "sink kafka: " + std::to_string(failed_.load()) +
                                " deliveries failed (first: " + first_failure_ +
                                "); the pipeline must restart from its last checkpoint");
  }
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || rd_kafka_outq_len(rk_) > 0) {
    return error::transient(errc::delivery,
                            "sink kafka: " + std::to_string(rd_kafka_outq_len(rk_)) +
                                " messages not yet acknowledged after " +
                                std::to_string(o_.flush_timeout_ms) + " ms");
  }
  if (o_.exactly_once) {
    char buf[80];
    std::snprintf(buf, sizeof(buf), "eos;%llx;%lld", static_cast<unsigned long long>(epoch_),
                  static_cast<long long>(seq_));
    return std::string(buf);
  }
  return std::string();
}

void KafkaSink::close_topics() {
  for (auto& [name, t] : topics_) rd_kafka_topic_destroy(t.rkt);
  topics_.clear();
  tails_.reset();
}

void KafkaSink::close() {
  close_topics();
  if (rk_ == nullptr) return;
  rd_kafka_flush(rk_, static_cast<int>(std::min<int64_t>(o_.flush_timeout_ms, 10000)));
  rd_kafka_destroy(rk_);
  rk_ = nullptr;
}

}  // namespace sluice::operators::kafka
