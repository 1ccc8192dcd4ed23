#include "operators/avro/avro_converter.h"

#include <avro.h>

#include <cstdlib>
#include <vector>

#include "base/json.h"
#include "operators/avro/avro_schema.h"
#include "operators/avro/connect_schema_fields.h"
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

namespace {

error value_error(const std::string& where, const std::string& what) {
  return error::permanent(errc::value, "avro: " + where + ": " + what);
}

error avro_failure(const std::string& where) {
  return error::permanent(errc::value, "avro: " + where + ": " + avro_strerror());
}

// The number of a JSON number value as a double (float32/float64 fields).
bool number_of(const Value& v, double& out) {
  switch (v.type()) {
    case Type::Int:
      out = static_cast<double>(v.as_int());
      return true;
    case Type::UInt:
      out = static_cast<double>(static_cast<uint64_t>(v.as_int()));
      return true;
    case Type::Float:
      out = v.as_float();
      return true;
    case Type::Decimal:
      out = std::strtod(v.as_decimal().to_string().c_str(), nullptr);
      return true;
    default:
      return false;
  }
}

result<void> fill(const Object& schema, const Value* v, avro_value_t* dst,
                  const std::string& where);

result<void> fill_record(const Object& schema, const Value& v, avro_value_t* dst,
                         const std::string& where) {
  if (v.type() != Type::Object) return value_error(where, "a struct value is not an object");
  const Value* fields = member(schema, "fields");
  if (fields == nullptr || fields->type() != Type::List) return value_error(where, "no fields");
  size_t i = 0;
  for (const Value& f : fields->as_list()) {
    const Object& fs = f.as_object();
    const std::string name = text_of(fs, "field");
    avro_value_t child;
    if (avro_value_get_by_index(dst, i++, &child, nullptr) != 0) return avro_failure(where);
    const Value* fv = v.as_object().find(intern(name));
    if (auto r = fill(fs, fv, &child, where.empty() ? name : where + "." + name); !r.ok()) return r;
  }
  return {};
}

result<void> fill_list(const Object& schema, const Value& v, avro_value_t* dst,
                       const std::string& where) {
  const bool array = text_of(schema, "type") == "array";
  const Value* inner = member(schema, array ? "items" : "values");
  if (inner == nullptr || inner->type() != Type::Object) return value_error(where, "no element");
  if (array) {
    if (v.type() != Type::List) return value_error(where, "an array value is not a list");
    for (const Value& x : v.as_list()) {
      avro_value_t child;
      if (avro_value_append(dst, &child, nullptr) != 0) return avro_failure(where);
      if (auto r = fill(inner->as_object(), &x, &child, where + "[]"); !r.ok()) return r;
    }
    return {};
  }
  if (v.type() != Type::Object) return value_error(where, "a map value is not an object");
  for (const auto& f : v.as_object().fields()) {
    avro_value_t child;
    if (avro_value_add(dst, sym_name(f.name).c_str(), &child, nullptr, nullptr) != 0)
      return avro_failure(where);
    if (auto r = fill(inner->as_object(), &f.value, &child, where + "{}"); !r.ok()) return r;
  }
  return {};
}

result<void> fill_primitive(const std::string& t, const Value& v, avro_value_t* dst,
                            const std::string& where) {
  int rc = 0;
  if (t == "int8" || t == "int16" || t == "int32" || t == "int64") {
    if (v.type() != Type::Int) return value_error(where, "not an integer for " + t);
    const int64_t n = v.as_int();
    const int64_t lo = t == "int8" ? -128 : t == "int16" ? -32768 : INT32_MIN;
    const int64_t hi = t == "int8" ? 127 : t == "int16" ? 32767 : INT32_MAX;
    if (t != "int64" && (n < lo || n > hi)) return value_error(where, "out of range for " + t);
    rc = t == "int64" ? avro_value_set_long(dst, n)
                      : avro_value_set_int(dst, static_cast<int32_t>(n));
  } else if (t == "float" || t == "float32" || t == "double" || t == "float64") {
    double d = 0;
    if (!number_of(v, d)) return value_error(where, "not a number for " + t);
    const bool single = t == "float" || t == "float32";
    rc = single ? avro_value_set_float(dst, static_cast<float>(d)) : avro_value_set_double(dst, d);
  } else if (t == "boolean") {
    if (v.type() != Type::Bool) return value_error(where, "not a boolean");
    rc = avro_value_set_boolean(dst, v.as_bool() ? 1 : 0);
  } else if (t == "string") {
    if (v.type() != Type::String) return value_error(where, "not a string");
    const std::string& s = v.as_string();
    rc = avro_value_set_string_len(dst, s.c_str(), s.size() + 1);  // the size counts the NUL
  } else if (t == "bytes") {
    if (v.type() != Type::String) return value_error(where, "bytes are not base64 text");
    auto raw = json::base64_decode(v.as_string());
    if (!raw.ok()) return value_error(where, "bytes are not base64 text");
    rc = avro_value_set_bytes(dst, raw->data(), raw->size());
  } else {
    return value_error(where, "unknown Kafka Connect type '" + t + "'");
  }
  return rc == 0 ? result<void>() : result<void>(avro_failure(where));
}

// One value of Connect schema `schema` into `dst` (a union first where it is optional).
result<void> fill(const Object& schema, const Value* v, avro_value_t* dst,
                  const std::string& where) {
  const bool is_null = v == nullptr || v->is_null();
  const Value* optional = member(schema, "optional");
  if (optional != nullptr && optional->type() == Type::Bool && optional->as_bool()) {
    // [null, T], or [T, null] when the schema has a default (avro_schema.h).
    const bool default_first = member(schema, "default") != nullptr;
    const int branch = is_null ? (default_first ? 1 : 0) : (default_first ? 0 : 1);
    avro_value_t inner;
    if (avro_value_set_branch(dst, branch, &inner) != 0) return avro_failure(where);
    if (is_null) return avro_value_set_null(&inner) == 0 ? result<void>() : avro_failure(where);
    dst = &inner;
    const std::string t = text_of(schema, "type");
    if (t == "struct") return fill_record(schema, *v, dst, where);
    if (t == "array" || t == "map") return fill_list(schema, *v, dst, where);
    return fill_primitive(t, *v, dst, where);
  }
  if (is_null) return value_error(where, "null for a field that is not optional");
  const std::string t = text_of(schema, "type");
  if (t == "struct") return fill_record(schema, *v, dst, where);
  if (t == "array" || t == "map") return fill_list(schema, *v, dst, where);
  return fill_primitive(t, *v, dst, where);
}

}  // namespace

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

result<void> AvroConverter::convert(const std::string& subject, std::string& message) {
  auto doc = json::parse(message);
  if (!doc.ok() || doc->type() != Type::Object) {
    return error::permanent(errc::schema, "avro: the message is not a JSON converter message");
  }
  const Value* schema = doc->as_object().find(intern("schema"));
  const Value* payload = doc->as_object().find(intern("payload"));
  if (schema == nullptr || schema->type() != Type::Object) {
    return error::permanent(errc::schema, "avro: the message has no schema");
  }
  auto text = avro_schema_of(*schema);
  if (!text.ok()) return text.err();
  auto c = compiled(*text);
  if (!c.ok()) return c.err();
  avro_value_t* value = &(*c)->value;
  avro_value_reset(value);
  if (auto r = fill(schema->as_object(), payload, value, ""); !r.ok()) return r;
  auto id = ids_->id_of(subject, *text);
  if (!id.ok()) return id.err();
  size_t size = 0;
  if (avro_value_sizeof(value, &size) != 0) return avro_failure("sizeof");
  std::string out(5 + size, '\0');
  const auto n = static_cast<uint32_t>(*id);
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  avro_writer_t w = avro_writer_memory(out.data() + 5, static_cast<int64_t>(size));
  const int rc = avro_value_write(w, value);
  avro_writer_free(w);
  if (rc != 0) return avro_failure("write");
  message = std::move(out);
  last_schema_ = std::move(text).value();
  return {};
}

}  // namespace sluice::operators::avro
