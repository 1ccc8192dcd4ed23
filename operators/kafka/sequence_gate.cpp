#include "operators/kafka/sequence_gate.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "base/logger.h"
#include "operators/kafka/client_config.h"
#include "operators/kafka/errc.h"

namespace sluice::operators::kafka {

// "<writer>;<epoch hex>;<seq>;<identity hex>" (the writer holds no ';').
std::string SeqHeader::encode() const {
  std::string out;
  encode(writer, epoch, seq, identity, out);
  return out;
}

void SeqHeader::encode(std::string_view writer, uint64_t epoch, int64_t seq, uint64_t identity,
                       std::string& out) {
  char tail[64];
  const int n =
      std::snprintf(tail, sizeof(tail), ";%" PRIx64 ";%" PRId64 ";%" PRIx64, epoch, seq, identity);
  out.assign(writer.data(), writer.size());
  out.append(tail, static_cast<size_t>(n));
}

bool SeqHeader::parse(std::string_view text, SeqHeader& out) {
  const size_t a = text.find(';');
  if (a == std::string_view::npos) return false;
  out.writer.assign(text.substr(0, a));
  const std::string rest(text.substr(a + 1));
  int used = 0;
  unsigned long long epoch = 0, identity = 0;
  long long seq = 0;
  if (std::sscanf(rest.c_str(), "%llx;%lld;%llx%n", &epoch, &seq, &identity, &used) != 3 ||
      static_cast<size_t>(used) != rest.size()) {
    return false;
  }
  out.epoch = epoch;
  out.seq = seq;
  out.identity = identity;
  return true;
}

void IdentityHash::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  h_ ^= 0xff;  // a separator: ("ab", "c") and ("a", "bc") differ
  h_ *= 1099511628211ULL;
}

void SequenceGate::learn(const std::string& topic, std::vector<Tail> partitions) {
  tails_[topic] = std::move(partitions);
}

bool SequenceGate::holds(const std::string& topic, int32_t partition, int64_t seq,
                         uint64_t identity) {
  if (!armed_) return false;
  auto it = tails_.find(topic);
  if (it == tails_.end() || partition < 0 || static_cast<size_t>(partition) >= it->second.size()) {
    return false;
  }
  const Tail& t = it->second[static_cast<size_t>(partition)];
  if (seq > t.seq) return false;
  if (seq == t.seq && identity != t.identity) ++differing_;
  ++skipped_;
  return true;
}

void SequenceGate::clear() {
  armed_ = false;
  tails_.clear();
  skipped_ = differing_ = 0;
}

TailReader::~TailReader() {
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

result<void> TailReader::connect() {
  if (rk_ != nullptr) return {};
  std::vector<std::pair<std::string, std::string>> kv = {
      {"bootstrap.servers", brokers_},
      {"group.id", "sluice-tail-reader"},  // (assign() only: nothing is committed)
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "true"},
  };
  kv.insert(kv.end(), properties_.begin(), properties_.end());
  auto conf = make_conf(kv);
  if (!conf.ok()) return conf.err();
  // The sink's properties are a producer's: this consumer ignores those it does not know
  // without a warning (CONFWARN) at every restart; its other messages go to the log.
  rd_kafka_conf_set_log_cb(
      *conf, [](const rd_kafka_t*, int level, const char* fac, const char* buf) {
        if (std::strcmp(fac, "CONFWARN") == 0) return;
        const std::string m = std::string("sink tail reader: ") + fac + ": " + buf;
        if (level <= 4) {
          log::warn("kafka", m);
        } else {
          log::debug("kafka", m);
        }
      });
  char err[512];
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof(err));
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return error::fatal(errc::client, std::string("sink kafka: tail reader: ") + err);
  }
  return {};
}

namespace {

// The message's sluice.seq header when it is one of `writer` and `epoch`.
bool own_header(const rd_kafka_message_t* m, const std::string& writer, uint64_t epoch,
                SeqHeader& h) {
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  const void* v = nullptr;
  size_t n = 0;
  if (rd_kafka_header_get_last(hdrs, SeqHeader::kName, &v, &n) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;
  }
  return SeqHeader::parse(std::string_view(static_cast<const char*>(v), n), h) &&
         h.writer == writer && h.epoch == epoch;
}

}  // namespace

result<std::vector<SequenceGate::Tail>> TailReader::read(const std::string& topic, int partitions,
                                                         const std::string& writer, uint64_t epoch,
                                                         int64_t window) {
  if (auto c = connect(); !c.ok()) return c.err();
  std::vector<SequenceGate::Tail> tails(static_cast<size_t>(partitions));
  std::vector<int64_t> end(static_cast<size_t>(partitions), 0);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  size_t open = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk_, topic.c_str(), p, &lo, &hi, timeout_ms_);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(list);
      return error::transient(errc::offsets, "sink kafka: reading the end of " + topic + "[" +
                                                 std::to_string(p) + "]: " + rd_kafka_err2str(e));
    }
    end[static_cast<size_t>(p)] = hi;
    if (hi <= lo) continue;
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = std::max(lo, hi - window);
    ++open;
  }
  rd_kafka_assign(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  std::vector<bool> done(static_cast<size_t>(partitions), false);
  while (open > 0 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
    if (m == nullptr) continue;
    const auto p = static_cast<size_t>(m->partition);
    const bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
    if (!m->err && p < tails.size()) {
      SeqHeader h;
      if (own_header(m, writer, epoch, h) && h.seq >= tails[p].seq) {
        tails[p] = SequenceGate::Tail{h.seq, h.identity};
      }
    }
    if (p < done.size() && !done[p] && (eof || (!m->err && m->offset + 1 >= end[p]))) {
      done[p] = true;
      --open;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_assign(rk_, nullptr);
  if (open > 0) {
    return error::transient(errc::offsets, "sink kafka: reading the newest messages of " + topic +
                                               " took longer than " + std::to_string(timeout_ms_) +
                                               " ms");
  }
  return tails;
}

}  // namespace sluice::operators::kafka
