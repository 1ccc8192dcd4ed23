// Kafka Connect JSON converter messages ({"schema": ..., "payload": ...}, as the Debezium
// encoder writes them with schemas) in Confluent's Avro wire form: a zero byte, the schema's
// registry id as 4 bytes big-endian, then the payload in Avro binary encoding (Avro C, Debian's
// libavro) with the schema avro_schema.h derives from the Connect schema, as Confluent's
// AvroConverter writes them. Values keep their exact form: Decimal bytes, epoch days,
// microseconds are copied, not recomputed; a value that does not fit its type is a permanent
// error (the sink dead-letters the record).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "base/value.h"
#include "operators/avro/schema_registry.h"

namespace sluice::operators::avro {

class AvroConverter {
 public:
  explicit AvroConverter(std::shared_ptr<SchemaIds> ids);
  ~AvroConverter();
  AvroConverter(const AvroConverter&) = delete;
  AvroConverter& operator=(const AvroConverter&) = delete;

  // `message` becomes its Avro wire form; the schema is the subject's (TopicNameStrategy:
  // TOPIC-key, TOPIC-value). On an error `message` is unchanged.
  result<void> convert(const std::string& subject, std::string& message);
  // The Avro schema text of the last message converted ("" after a failed convert).
  const std::string& last_schema() const {
    static const std::string none;
    return last_schema_ != nullptr ? *last_schema_ : none;
  }

 private:
  struct Compiled;
  struct Known;
  result<Compiled*> compiled(const std::string& schema_text);
  // The message's schema (met before, or learnt now); its payload's text in `payload`, or
  // (when the message had to be parsed whole) empty with the payload in `parsed`.
  result<Known*> known(const std::string& message, std::string_view& payload, Value& parsed);
  // text: the schema's text in the message ("": not kept beyond this message).
  result<Known*> learn(const Value& schema, std::string text);

  std::shared_ptr<SchemaIds> ids_;
  std::unordered_map<std::string, std::unique_ptr<Compiled>> compiled_;  // by Avro schema text
  std::unordered_map<size_t, std::unique_ptr<Known>> known_;  // by the hash of their text
  std::unique_ptr<Known> scratch_;
  const std::string* last_schema_ = nullptr;  // a Known's avro_text
};

}  // namespace sluice::operators::avro
