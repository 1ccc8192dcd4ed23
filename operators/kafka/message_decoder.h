// Turns one Kafka message into a Sluice event per the source's `format`:
//   debezium  DebeziumDecoder (see operators/debezium/debezium_decoder.h)
//   json      the value is a JSON object: a Sluice event object ({"op","after",...} as the
//             json sink writes it) or else the row of a create event; the key (JSON, or a plain
//             string when it is not JSON) is the record key
//   raw       a create event with row {"key": bytes|null, "value": bytes|null}
// For json and raw, SourceMeta {connector "kafka", name = stage, table = topic}.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/event.h"
#include "base/result.h"
#include "operators/debezium/debezium_decoder.h"

namespace sluice::operators::kafka {

enum class Format { Debezium, Json, Raw };

class MessageDecoder {
 public:
  MessageDecoder(Format f, const std::string& stage)
      : format_(f), stage_(stage), debezium_(stage) {}
  // true: `out` holds an event; false: no event (tombstone, ...). Permanent error: bad message.
  result<bool> decode(const std::string& topic, const char* key, size_t key_len, const char* value,
                      size_t value_len, Event& out);
  // SourceMeta {connector "kafka", name = stage, table = topic} (one per topic).
  const std::shared_ptr<const SourceMeta>& meta(const std::string& topic);

 private:
  result<bool> decode_json(const std::string& topic, std::string_view key, const char* value,
                           size_t value_len, Event& out);

  Format format_;
  std::string stage_;
  debezium::DebeziumDecoder debezium_;
  std::map<std::string, std::shared_ptr<const SourceMeta>> metas_;
};

}  // namespace sluice::operators::kafka
