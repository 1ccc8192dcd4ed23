#include "operators/kafka/kafka_source.h"

#include <algorithm>

#include "base/logger.h"
#include "operators/common/stage_options.h"
#include "operators/kafka/client_config.h"
#include "operators/kafka/errc.h"
#include "operators/kafka/kafka_spec.h"

namespace sluice::operators::kafka {
namespace {
// A message's position: {"topic", "partition", "offset"} (also the dead letters').
Value message_position(const std::string& topic, const rd_kafka_message_t* m) {
  static const Sym s_topic = intern("topic"), s_partition = intern("partition"),
                   s_offset = intern("offset");
  Object pos;
  pos.reserve(3);
  pos.append(s_topic, Value::string(topic));
  pos.append(s_partition, Value::int64(m->partition));
  pos.append(s_offset, Value::int64(m->offset));
  return Value::object(std::move(pos));
}
}  // namespace

KafkaSource::KafkaSource(Options o, std::shared_ptr<StageShared> shared)
    : o_(std::move(o)),
      decoder_(o_.format, o_.stage),
      shared_(std::move(shared)),
      completed_(shared_ ? shared_->slot<CompletedOffsets>()
                         : std::make_shared<CompletedOffsets>()) {}

KafkaSource::~KafkaSource() { close(); }

result<std::unique_ptr<Source>> KafkaSource::make(const StageConfig& cfg) {
  auto read = bound_source_spec().read(cfg);
  if (!read.ok()) return read.err();
  const SourceDeclared& d = read.value();
  Options o;
  o.stage = cfg.name;
  o.brokers = d.brokers;
  o.topics = d.topics;
  if (o.topics.empty())
    return error::fatal(errc::client, "source kafka " + cfg.name + ": topics is empty");
  o.group = d.group.empty() ? "sluice." + cfg.pipeline + "." + cfg.name : d.group;
  o.format = d.format;
  o.earliest = d.start == StartAt::Earliest;
  o.properties = read_properties(d.properties);
  o.dead_letters = routes_bad_input(d.dead_letter, d.on_error);
  o.instance = cfg.instance;
  o.parallelism = cfg.parallelism;
  return std::unique_ptr<Source>(new KafkaSource(std::move(o), cfg.shared));
}

void KafkaSource::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) {
      auto& p = parts->elems[i];
      int64_t off = std::max(self->completed_->get(p.topic, p.partition),
                             self->positions_.get(p.topic, p.partition));
      if (off >= 0) p.offset = off;
    }
    rd_kafka_assign(rk, parts);
    log::debug("kafka", "source '" + self->o_.stage + "'" + self->instance_label() + ": assigned " +
                            std::to_string(parts->cnt) + " partitions");
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

result<void> KafkaSource::open(const std::string& state) {
  close();
  positions_ = PartitionOffsets();
  last_committed_ = PartitionOffsets();
  completed_->forget(o_.instance);
  // Its own state, and with parallelism every instance's of the checkpoint the graph started
  // from (a partition may have been read by another instance, or under another parallelism).
  auto absorb = [this](const std::string& text) -> result<void> {
    if (text.empty()) return {};
    auto p = PartitionOffsets::decode(text);
    if (!p.ok()) return p.err();
    positions_.raise_to(*p);
    return {};
  };
  if (auto r = absorb(state); !r.ok()) return r;
  if (shared_) {
    for (const auto& text : shared_->restored()) {
      if (auto r = absorb(text); !r.ok()) return r;
    }
  }
  completed_->raise(positions_);
  std::vector<std::pair<std::string, std::string>> kv = {
      {"bootstrap.servers", o_.brokers},
      {"group.id", o_.group},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", o_.earliest ? "earliest" : "latest"},
      {"enable.partition.eof", "false"},
      {"client.id",
       "sluice-" + o_.stage + (o_.parallelism > 1 ? "-" + std::to_string(o_.instance) : "")},
      // Fetch responses below jemalloc's oversize threshold (8 MiB): larger receive buffers
      // are allocated and purged (page faults) on every fetch. The 50 MB default cost about
      // half of the process's CPU per message in bench/kafka_bench (see docs/kafka.md).
      {"fetch.max.bytes", "4194304"},
      // A fetch that finds some partitions empty waits at most 100 ms (default 500 ms) before
      // the broker answers: lower change latency, and librdkafka's mock cluster answers after
      // the full wait, which showed as 0.25-1 s pauses in bench/kafka_bench (docs/kafka.md).
      {"fetch.wait.max.ms", "100"},
  };
  kv.insert(kv.end(), o_.properties.begin(), o_.properties.end());
  auto conf = make_conf(kv);
  if (!conf.ok()) return conf.err();
  rd_kafka_conf_set_opaque(*conf, this);
  rd_kafka_conf_set_rebalance_cb(*conf, &KafkaSource::on_rebalance);
  char err[512];
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof(err));
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return error::fatal(errc::client, std::string("source kafka: ") + err);
  }
  rd_kafka_poll_set_consumer(rk_);
  queue_ = rd_kafka_queue_get_consumer(rk_);
  commit_queue_ = rd_kafka_queue_new(rk_);
  commits_in_flight_ = 0;
  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(o_.topics.size()));
  for (const auto& t : o_.topics) {
    rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t e = rd_kafka_subscribe(rk_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return error::transient(errc::client,
                            std::string("source kafka: subscribe: ") + rd_kafka_err2str(e));
  }
  return {};
}

void KafkaSource::skip(const rd_kafka_message_t* m, const std::string& topic, const error& err) {
  const std::string& why = err.message;
  const std::string where =
      topic + "/" + std::to_string(m->partition) + "@" + std::to_string(m->offset);
  if (o_.dead_letters) {
    static const Sym s_topic = intern("topic"), s_partition = intern("partition"),
                     s_offset = intern("offset"), s_key = intern("key"), s_value = intern("value");
    Event e;
    e.op = Op::Create;
    e.row.reserve(5);
    e.row.append(s_topic, Value::string(topic));
    e.row.append(s_partition, Value::int64(m->partition));
    e.row.append(s_offset, Value::int64(m->offset));
    e.row.append(
        s_key,
        m->key ? Value::bytes(std::string(static_cast<const char*>(m->key), m->key_len)) : Value());
    e.row.append(s_value, m->payload ? Value::bytes(std::string(
                                           static_cast<const char*>(m->payload), m->len))
                                     : Value());
    e.position = message_position(topic, m);
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(m, &tt);
    if (ts > 0) e.ts = ts * 1000;
    e.source = decoder_.meta(topic);
    auto info = std::make_shared<DeadLetterInfo>();
    info->stage = o_.stage;
    info->code = err.code ? err.code : error_code(errc::decode);
    info->message = where + ": " + why;
    e.dead_letter = std::move(info);
    dead_.push_back(std::move(e));
    return;
  }
  ++skipped_;
  if (skipped_ <= 20 || skipped_ % 1000 == 0) {
    log::warn("kafka", "source '" + o_.stage + "': skipped message " + where + " (" + why + ")" +
                           (skipped_ > 20 ? " [" + std::to_string(skipped_) + " skipped]" : ""));
  }
}

void KafkaSource::take_dead(std::vector<Event>& out) {
  if (dead_.empty()) return;
  if (out.empty()) {
    out.swap(dead_);
  } else {
    for (auto& e : dead_) out.push_back(std::move(e));
  }
  dead_.clear();
}

result<Source::Poll> KafkaSource::poll(size_t max, std::vector<Event>& out) {
  if (rk_ == nullptr) return error::fatal(errc::client, "source kafka: poll before open");
  if (max == 0) return Poll::Data;
  if (commits_in_flight_ > 0) serve_commits(0);
  msgs_.resize(max);
  ssize_t n = rd_kafka_consume_batch_queue(queue_, 0, msgs_.data(), max);
  if (n < 0)
    return error::transient(
        errc::client, std::string("source kafka: ") + rd_kafka_err2str(rd_kafka_last_error()));
  std::string topic;
  const rd_kafka_topic_t* last_rkt = nullptr;
  int32_t last_partition = -1;
  int64_t* next_offset = nullptr;  // positions_ entry of (last_rkt, last_partition)
  size_t produced = 0;
  out.reserve(out.size() + static_cast<size_t>(n));
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = msgs_[i];
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::string msg = rd_kafka_message_errstr(m);
        rd_kafka_resp_err_t code = m->err;
        rd_kafka_message_destroy(m);
        for (ssize_t j = i + 1; j < n; ++j) rd_kafka_message_destroy(msgs_[j]);
        if (code == RD_KAFKA_RESP_ERR__FATAL)
          return error::fatal(errc::client, "source kafka: " + msg);
        log::warn("kafka", "source '" + o_.stage + "': " + msg);
        return produced > 0 ? Poll::Data : Poll::Idle;
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    if (m->rkt != last_rkt) {
      topic = rd_kafka_topic_name(m->rkt);
      last_rkt = m->rkt;
      last_partition = -1;
    }
    if (m->partition != last_partition) {
      next_offset = &positions_.slot(topic, m->partition);
      last_partition = m->partition;
    }
    out.emplace_back();
    Event& e = out.back();
    auto r = decoder_.decode(topic, static_cast<const char*>(m->key), m->key_len,
                             static_cast<const char*>(m->payload), m->len, e);
    if (!r.ok() || !*r) {
      out.pop_back();
      if (!r.ok()) skip(m, topic, r.err());
    } else {
      e.position = message_position(topic, m);
      if (e.ts == 0) {
        rd_kafka_timestamp_type_t tt;
        int64_t ts = rd_kafka_message_timestamp(m, &tt);
        if (ts > 0) e.ts = ts * 1000;
      }
      ++produced;
    }
    *next_offset = m->offset + 1;
    rd_kafka_message_destroy(m);
  }
  if (n == 0) return Poll::Idle;
  return Poll::Data;
}

std::string KafkaSource::checkpoint_state() const { return positions_.encode(); }

std::string KafkaSource::checkpoint(uint64_t id) {
  completed_->stage(o_.instance, id, positions_);
  return positions_.encode();
}

void KafkaSource::checkpoint_committed(uint64_t id) {
  if (rk_ == nullptr) return;
  // Durable now, whichever consumer read it: where any instance may resume a partition, and
  // what the group learns.
  completed_->promote(id);
  if (commits_in_flight_ > 0) serve_commits(0);
  commit_owned();
}

int KafkaSource::commit_owned() {
  // Only partitions this member owns now, and only offsets that moved: committing for
  // partitions of another member (or while the group is joining) is refused by the
  // coordinator and can disturb the join. The offset is the stage's completed one, so a
  // partition another instance read before a rebalance gave it to this one is committed too.
  rd_kafka_topic_partition_list_t* owned = nullptr;
  if (rd_kafka_assignment(rk_, &owned) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(owned->cnt);
  for (int i = 0; i < owned->cnt; ++i) {
    const auto& p = owned->elems[i];
    int64_t off = completed_->get(p.topic, p.partition);
    if (off >= 0 && off != last_committed_.get(p.topic, p.partition)) {
      rd_kafka_topic_partition_list_add(list, p.topic, p.partition)->offset = off;
    }
  }
  rd_kafka_topic_partition_list_destroy(owned);
  const int sent = list->cnt;
  if (sent == 0) {
    rd_kafka_topic_partition_list_destroy(list);
    return 0;
  }
  for (int i = 0; i < list->cnt; ++i) {
    last_committed_.set(list->elems[i].topic, list->elems[i].partition, list->elems[i].offset);
  }
  rd_kafka_resp_err_t e = rd_kafka_commit_queue(rk_, list, commit_queue_, &on_commit, this);
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++commits_in_flight_;
  } else {
    on_commit(rk_, e, list, this);
  }
  rd_kafka_topic_partition_list_destroy(list);
  return sent;
}

void KafkaSource::on_commit(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  bool refused = false;
  for (int i = 0; offsets != nullptr && i < offsets->cnt; ++i) {
    const auto& p = offsets->elems[i];
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && p.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    refused = true;
    // Not in the group: the next checkpoint (or close) commits it again.
    if (self->last_committed_.get(p.topic, p.partition) == p.offset) {
      self->last_committed_.set(p.topic, p.partition, -1);
    }
  }
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;  // nothing to commit
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || refused) {
    // A rebalance in progress refuses commits: expected while consumers join or leave.
    log::debug("kafka", "source '" + self->o_.stage + "'" + self->instance_label() +
                            ": offset commit refused (" + rd_kafka_err2str(err) +
                            "), retried at the next checkpoint");
  } else {
    ++self->commits_;
  }
}

void KafkaSource::serve_commits(int timeout_ms) {
  // Each async commit's answer is one event on commit_queue_, served by on_commit.
  while (commits_in_flight_ > 0) {
    const int served = rd_kafka_queue_poll_callback(commit_queue_, timeout_ms);
    if (served <= 0) return;
    commits_in_flight_ = std::max(0, commits_in_flight_ - served);
    timeout_ms = 0;
  }
}

void KafkaSource::close() {
  if (rk_ == nullptr) return;
  // The answers of commits still under way, then what moved since or was refused (the group
  // refuses commits while it rebalances, as when another consumer of the stage leaves): the
  // group's offsets end where the checkpoint does. A few seconds at most.
  for (int attempt = 0; attempt < 3; ++attempt) {
    for (int waited = 0; commits_in_flight_ > 0 && waited < 10; ++waited) serve_commits(100);
    if (commit_owned() == 0) break;
  }
  for (int waited = 0; commits_in_flight_ > 0 && waited < 10; ++waited) serve_commits(100);
  if (queue_ != nullptr) {
    rd_kafka_queue_destroy(queue_);
    queue_ = nullptr;
  }
  if (commit_queue_ != nullptr) {
    rd_kafka_queue_destroy(commit_queue_);
    commit_queue_ = nullptr;
  }
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
  rk_ = nullptr;
}

}  // namespace sluice::operators::kafka
