#include "operators/avro/avro_converter.h"

#include <avro.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "operators/avro/avro_schema.h"
#include "operators/avro/connect_node.h"
#include "operators/avro/errc.h"

namespace sluice::operators::avro {

// A schema compiled by libavro, with a generic value reused for every message.
struct AvroConverter::Compiled {
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value{};
  bool has_value = false;
  ~Compiled() {
    if (has_value) avro_value_decref(&value);
    if (iface != nullptr) avro_value_iface_decref(iface);
    if (schema != nullptr) avro_schema_decref(schema);
  }
};

AvroConverter::AvroConverter(std::shared_ptr<SchemaIds> ids) : ids_(std::move(ids)) {}
AvroConverter::~AvroConverter() = default;

result<AvroConverter::Compiled*> AvroConverter::compiled(const std::string& schema_text) {
  if (auto it = compiled_.find(schema_text); it != compiled_.end()) return it->second.get();
  auto c = std::make_unique<Compiled>();
  if (avro_schema_from_json_length(schema_text.data(), schema_text.size(), &c->schema) != 0) {
    return error::permanent(errc::schema,
                            std::string("avro: libavro refuses the schema: ") + avro_strerror());
  }
  c->iface = avro_generic_class_from_schema(c->schema);
  if (c->iface == nullptr || avro_generic_value_new(c->iface, &c->value) != 0) {
    return error::permanent(errc::schema, std::string("avro: ") + avro_strerror());
  }
  c->has_value = true;
  Compiled* raw = c.get();
  compiled_.emplace(schema_text, std::move(c));
  return raw;
}

// A Connect schema met before, by its text in the message: parsed, its Avro schema, compiled,
// and the registry's id of it per subject.
struct AvroConverter::Known {
  std::string text;  // the schema's JSON text, as the message holds it
  ConnectNode connect;
  std::string avro_text;
  Compiled* compiled = nullptr;
  std::map<std::string, int32_t> ids;
};

namespace {
constexpr std::string_view kHead = "{\"schema\":";
constexpr std::string_view kPayload = ",\"payload\":";
constexpr size_t kMaxKnown = 4096;  // schemas kept (more: all are forgotten and met again)
}  // namespace

result<AvroConverter::Known*> AvroConverter::learn(const Value& schema, std::string text) {
  if (known_.size() >= kMaxKnown || compiled_.size() >= kMaxKnown) {
    scratch_.reset();
    known_.clear();
    compiled_.clear();
  }
  auto avro_text = avro_schema_of(schema);
  if (!avro_text.ok()) return avro_text.err();
  auto c = compiled(*avro_text);
  if (!c.ok()) return c.err();
  auto node = ConnectNode::compile(schema);
  if (!node.ok()) return node.err();
  auto k = std::make_unique<Known>();
  k->text = std::move(text);
  k->connect = std::move(node).value();
  k->avro_text = std::move(avro_text).value();
  k->compiled = *c;
  Known* raw = k.get();
  if (raw->text.empty()) {  // not cacheable: kept only for this message
    scratch_ = std::move(k);
    return raw;
  }
  known_[std::hash<std::string_view>{}(raw->text)] = std::move(k);
  return raw;
}

result<AvroConverter::Known*> AvroConverter::known(const std::string& message,
                                                   std::string_view& payload, Value& parsed) {
  // Our JSON converter messages are {"schema":S,"payload":P}: a schema met before is found by
  // its text S without parsing it (a message starting with {"schema":S, where S is a complete
  // JSON value, has S as its schema whatever follows).
  std::string_view text;
  if (message.size() > kHead.size() + kPayload.size() &&
      message.compare(0, kHead.size(), kHead) == 0 && message.back() == '}') {
    const size_t p = message.find(kPayload, kHead.size());
    if (p != std::string::npos) {
      text = std::string_view(message).substr(kHead.size(), p - kHead.size());
      payload = std::string_view(message).substr(p + kPayload.size(),
                                                 message.size() - 1 - p - kPayload.size());
      auto it = known_.find(std::hash<std::string_view>{}(text));
      if (it != known_.end() && it->second->text == text) return it->second.get();
    }
  }
  auto doc = json::parse(message);
  if (!doc.ok() || doc->type() != Type::Object) {
    return error::permanent(errc::schema, "avro: the message is not a JSON converter message");
  }
  const Value* schema = doc->as_object().find(intern("schema"));
  if (schema == nullptr || schema->type() != Type::Object) {
    return error::permanent(errc::schema, "avro: the message has no schema");
  }
  // Cached by its text only when that text is exactly the schema (a payload that held the
  // separator's text would cut it elsewhere).
  auto again = text.empty() ? result<Value>(Value()) : json::parse(text);
  const bool exact = !text.empty() && again.ok() && *again == *schema;
  auto k = learn(*schema, exact ? std::string(text) : std::string());
  if (!k.ok()) return k.err();
  const Value* p = doc->as_object().find(intern("payload"));
  parsed = p != nullptr ? *p : Value();
  payload = std::string_view();
  return k;
}

result<void> AvroConverter::convert(const std::string& subject, std::string& message) {
  last_schema_ = nullptr;  // (a schema forgotten by learn() must not be pointed at)
  std::string_view payload_text;
  Value payload;
  auto k = known(message, payload_text, payload);
  if (!k.ok()) return k.err();
  Known& known = **k;
  if (!payload_text.empty()) {
    auto p = json::parse(payload_text);
    if (!p.ok()) return error::permanent(errc::value, "avro: the payload: " + p.err().message);
    payload = std::move(p).value();
  }
  avro_value_t* value = &known.compiled->value;
  avro_value_reset(value);
  if (auto r = known.connect.fill(&payload, value); !r.ok()) return r;
  auto id_it = known.ids.find(subject);
  if (id_it == known.ids.end()) {
    auto id = ids_->id_of(subject, known.avro_text);
    if (!id.ok()) return id.err();
    id_it = known.ids.emplace(subject, *id).first;
  }
  size_t size = 0;
  if (avro_value_sizeof(value, &size) != 0) return avro_error("sizeof");
  std::string out(5 + size, '\0');
  const auto n = static_cast<uint32_t>(id_it->second);
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  avro_writer_t w = avro_writer_memory(out.data() + 5, static_cast<int64_t>(size));
  const int rc = avro_value_write(w, value);
  avro_writer_free(w);
  if (rc != 0) return avro_error("write");
  message = std::move(out);
  last_schema_ = &known.avro_text;
  return {};
}

}  // namespace sluice::operators::avro
