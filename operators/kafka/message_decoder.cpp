#include "operators/kafka/message_decoder.h"

#include "base/json.h"
#include "base/temporal.h"
#include "operators/kafka/errc.h"

namespace sluice::operators::kafka {

const std::shared_ptr<const SourceMeta>& MessageDecoder::meta(const std::string& topic) {
  auto it = metas_.find(topic);
  if (it != metas_.end()) return it->second;
  auto m = std::make_shared<SourceMeta>();
  m->connector = "kafka";
  m->name = stage_;
  m->table = topic;
  m->table_qualified = true;  // a topic's dots are the user's (dbserver1.inventory.customers)
  return metas_.emplace(topic, std::move(m)).first->second;
}

result<bool> MessageDecoder::decode(const std::string& topic, const char* key, size_t key_len,
                                    const char* value, size_t value_len, Event& out) {
  switch (format_) {
    case Format::Debezium:
      return debezium_.decode(key, key_len, value, value_len, out);
    case Format::Json:
      return decode_json(topic, std::string_view(key ? key : "", key ? key_len : 0), value,
                         value_len, out);
    case Format::Raw: {
      out.op = Op::Create;
      out.row.clear();
      out.row.append(intern("key"), key ? Value::bytes(std::string(key, key_len)) : Value());
      out.row.append(intern("value"),
                     value ? Value::bytes(std::string(value, value_len)) : Value());
      out.has_before = false;
      out.before.clear();
      out.key = key ? Value::bytes(std::string(key, key_len)) : Value();
      out.ts = 0;
      out.source = meta(topic);
      return true;
    }
  }
  return false;
}

result<bool> MessageDecoder::decode_json(const std::string& topic, std::string_view key,
                                         const char* value, size_t value_len, Event& out) {
  if (value == nullptr) return false;  // tombstone
  auto parsed = json::parse(std::string_view(value, value_len));
  if (!parsed.ok()) return error::permanent(errc::decode, "value: " + parsed.err().message);
  if (parsed->type() != Type::Object)
    return error::permanent(errc::decode, "value is not a JSON object");
  Object& o = parsed->as_object();
  out.has_before = false;
  out.before.clear();
  out.ts = 0;
  out.key = Value();
  static const Sym s_op = intern("op"), s_after = intern("after"), s_before = intern("before"),
                   s_key = intern("key"), s_source = intern("source"), s_ts = intern("ts");
  Value* op = o.find(s_op);
  Value* after = o.find(s_after);
  Value* before = o.find(s_before);
  if (op != nullptr && op->type() == Type::String && (after != nullptr || before != nullptr)) {
    // The Sluice event form.
    const std::string& c = op->as_string();
    out.op = c == "u"   ? Op::Update
             : c == "d" ? Op::Delete
             : c == "r" ? Op::Read
             : c == "t" ? Op::Truncate
                        : Op::Create;
    bool ha = after != nullptr && after->type() == Type::Object;
    bool hb = before != nullptr && before->type() == Type::Object;
    if (out.op == Op::Truncate) {
      out.row.clear();  // the table is the topic
    } else if (out.op == Op::Delete) {
      if (!hb) return error::permanent(errc::decode, "delete without before");
      out.row = std::move(before->as_object());
    } else {
      if (!ha) return error::permanent(errc::decode, "no after image");
      out.row = std::move(after->as_object());
      if (hb) {
        out.before = std::move(before->as_object());
        out.has_before = true;
      }
    }
    if (Value* k = o.find(s_key); k != nullptr) out.key = std::move(*k);
    if (Value* s = o.find(s_source); s != nullptr && s->type() == Type::Object) {
      if (Value* ts = s->as_object().find(s_ts); ts != nullptr && ts->type() == Type::String) {
        if (auto t = temporal::parse_timestamp(ts->as_string())) out.ts = *t;
      }
    }
  } else {
    out.op = Op::Create;
    out.row = std::move(o);
  }
  if (out.key.is_null() && !key.empty()) {
    auto k = json::parse(key);
    out.key = k.ok() ? std::move(k).value() : Value::string(std::string(key));
  }
  out.source = meta(topic);
  return true;
}

}  // namespace sluice::operators::kafka
