#include "operators/kafka/kafka_sink.h"

#include <chrono>
#include <thread>

#include "base/event_codec.h"
#include "base/json.h"
#include "base/logger.h"
#include "base/secrets.h"
#include "base/temporal.h"
#include "operators/common/stage_options.h"
#include "operators/kafka/client_config.h"
#include "operators/kafka/errc.h"
#include "operators/kafka/kafka_spec.h"

namespace sluice::operators::kafka {

KafkaSink::~KafkaSink() { close(); }

result<std::unique_ptr<Sink>> KafkaSink::make(const StageConfig& cfg) {
  auto read = bound_sink_spec().read(cfg);
  if (!read.ok()) return read.err();
  const SinkDeclared& d = read.value();
  Options o;
  std::string where = "sink kafka " + cfg.name + ": ";
  o.stage = cfg.name;
  o.brokers = d.brokers;
  o.debezium = d.format == SinkFormat::Debezium;
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

result<void> KafkaSink::open(const std::string& /*state*/) {
  close();
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
  return {};
}

result<void> KafkaSink::produce(const std::string& topic, const std::string* key,
                                const std::string* value, rd_kafka_headers_t* headers,
                                uint64_t id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.flush_timeout_ms);
  while (true) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
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
    return std::move(v->as_string());
  }
  if (!o_.topic_constant.empty()) return o_.topic_constant;
  std::string server = o_.server;
  if (server.empty()) server = e.source && !e.source->name.empty() ? e.source->name : "sluice";
  return debezium::DebeziumEncoder(server).default_topic(e);
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
  if (resume_.data == events.data() && resume_.size == events.size()) {
    i = resume_.next;  // the retry of a call that failed at event `next`
  } else {
    write_dead_.clear();
  }
  resume_ = {};
  Object key_obj;
  for (; i < events.size(); ++i) {
    auto r = write_one(events[i], key_obj);
    if (!r.ok()) {
      resume_ = {events.data(), events.size(), i};
      return r;
    }
  }
  rd_kafka_poll(rk_, 0);
  for (auto& e : write_dead_) dead.push_back(std::move(e));
  write_dead_.clear();
  take_dead(dead);
  return {};
}

result<void> KafkaSink::write_one(Event& e, Object& key_obj) {
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
  if (e.dead_letter) {
    if (!has_key && debezium::key_columns(e, key_obj)) {
      json::encode(Value::object(key_obj), key_buf_);
      has_key = true;
    }
    event_codec::append_dead_letter(e, value_buf_);
    rd_kafka_headers_t* h = rd_kafka_headers_new(12);
    dead_letter_headers(e, h);
    auto r = produce(*topic, has_key ? &key_buf_ : nullptr, &value_buf_, h);
    if (!r.ok()) {
      if (r.err().kind != failure_kind::permanent) return r;
      log::warn("kafka", "sink '" + o_.stage + "': dead letter dropped: " + r.err().message);
    }
    return {};
  }
  if (e.op == Op::Truncate) has_key = false;  // a truncate names a table, no row: no key
  if (o_.debezium) {
    std::string server = o_.server;
    if (server.empty()) server = e.source && !e.source->name.empty() ? e.source->name : "sluice";
    debezium::DebeziumEncoder enc(server);
    if (!has_key && e.op != Op::Truncate) has_key = enc.encode_key(e, key_buf_);
    auto r = enc.encode_value(e, value_buf_);
    if (!r.ok()) {
      Event copy = e;
      mark_dead(copy, o_.stage, r.err().code ? r.err().code : error_code(errc::encode),
                r.err().message);
      write_dead_.push_back(std::move(copy));
      return {};
    }
  } else {
    if (!has_key && e.op != Op::Truncate && debezium::key_columns(e, key_obj)) {
      json::encode(Value::object(key_obj), key_buf_);
      has_key = true;
    }
    event_codec::append_event(e, value_buf_);
  }
  const uint64_t id = base_id_ + inflight_.size();
  auto r = produce(*topic, has_key ? &key_buf_ : nullptr, &value_buf_, nullptr, id);
  if (!r.ok()) {
    if (r.err().kind != failure_kind::permanent) return r;
    Event copy = e;
    mark_dead(copy, o_.stage, r.err().code ? r.err().code : error_code(errc::produce),
              r.err().message);
    write_dead_.push_back(std::move(copy));
    return {};
  }
  // Kept until its delivery report (a refusal makes it a dead letter). The engine may still
  // dead-letter the whole batch after a failed call: `e` stays intact.
  inflight_.push_back(e);
  inflight_done_.push_back(false);
  if (o_.debezium && e.op == Op::Delete && has_key) {  // tombstone for log compaction
    auto t = produce(*topic, &key_buf_, nullptr, nullptr);
    if (!t.ok() && t.err().kind != failure_kind::permanent) return t;
  }
  return {};
}

result<std::string> KafkaSink::checkpoint(uint64_t /*id*/) {
  if (rk_ == nullptr) return error::fatal(errc::client, "sink kafka: checkpoint before open");
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
  return std::string();
}

void KafkaSink::close() {
  if (rk_ == nullptr) return;
  rd_kafka_flush(rk_, static_cast<int>(std::min<int64_t>(o_.flush_timeout_ms, 10000)));
  rd_kafka_destroy(rk_);
  rk_ = nullptr;
}

}  // namespace sluice::operators::kafka
