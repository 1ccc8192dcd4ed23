#include "operators/avro/avro_schema.h"

#include <set>
#include <string_view>

#include "base/json.h"
#include "operators/avro/connect_node.h"
#include "operators/avro/connect_schema_fields.h"
#include "operators/avro/errc.h"

namespace sluice::operators::avro {
namespace {

// The parameter's integer text, or `fallback`.
std::string parameter(const Object& s, const char* name, const char* fallback) {
  const Value* p = member(s, "parameters");
  if (p == nullptr || p->type() != Type::Object) return fallback;
  std::string v = text_of(p->as_object(), name);
  return v.empty() ? fallback : v;
}

// The Avro primitive of a Connect primitive kind (int8/int16 as int, with connect.type).
const char* avro_primitive(ConnectNode::Kind k) {
  using Kind = ConnectNode::Kind;
  switch (k) {
    case Kind::Int8:
    case Kind::Int16:
    case Kind::Int32:
      return "int";
    case Kind::Int64:
      return "long";
    case Kind::Float:
      return "float";
    case Kind::Double:
      return "double";
    case Kind::Boolean:
      return "boolean";
    case Kind::Bytes:
      return "bytes";
    default:
      return "string";
  }
}

// A dotted name with each part adjusted.
std::string adjusted_full_name(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    if (!out.empty()) out += '.';
    out += avro_name(name.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

class SchemaWriter {
 public:
  result<void> type(const Object& s, std::string& out);

 private:
  result<void> optional_type(const Object& s, std::string& out);
  result<void> record(const Object& s, std::string& out);
  result<void> field(const Object& f, std::string& out);
  // with_default: a record's props have no connect.default.
  static void connect_props(const Object& s, std::string& out, bool with_default = true);
  static void logical_props(const std::string& name, std::string& out);

  std::set<std::string> defined_;  // full names of the records written
  std::string space_;              // the namespace of the record being written
  int unnamed_ = 0;
};

// "connect.doc", "connect.version", "connect.parameters", "connect.default", "connect.name".
void SchemaWriter::connect_props(const Object& s, std::string& out, bool with_default) {
  if (const Value* d = member(s, "doc")) {
    out += ",\"connect.doc\":";
    json::encode(*d, out);
  }
  if (const Value* v = member(s, "version")) {
    out += ",\"connect.version\":";
    json::encode(*v, out);
  }
  if (const Value* p = member(s, "parameters")) {
    out += ",\"connect.parameters\":";
    json::encode(*p, out);
  }
  if (const Value* d = member(s, "default"); d != nullptr && with_default) {
    out += ",\"connect.default\":";
    json::encode(*d, out);
  }
  const std::string name = text_of(s, "name");
  if (!name.empty()) {
    out += ",\"connect.name\":";
    json::encode_string(adjusted_full_name(name), out);
  }
}

// Kafka Connect's logical types: their Avro logical type after the connect props.
void SchemaWriter::logical_props(const std::string& name, std::string& out) {
  if (name == "org.apache.kafka.connect.data.Decimal") {
    out += ",\"logicalType\":\"decimal\"";
  } else if (name == "org.apache.kafka.connect.data.Date") {
    out += ",\"logicalType\":\"date\"";
  } else if (name == "org.apache.kafka.connect.data.Time") {
    out += ",\"logicalType\":\"time-millis\"";
  } else if (name == "org.apache.kafka.connect.data.Timestamp") {
    out += ",\"logicalType\":\"timestamp-millis\"";
  }
}

result<void> SchemaWriter::type(const Object& s, std::string& out) {
  const std::string t = text_of(s, "type");
  const std::string name = text_of(s, "name");
  if (t == "struct") return record(s, out);
  if (t == "array" || t == "map") {
    const Value* inner = member(s, t == "array" ? "items" : "values");
    if (inner == nullptr || inner->type() != Type::Object) {
      return error::permanent(errc::schema, t + " schema without its element schema");
    }
    if (t == "map") {
      const Value* keys = member(s, "keys");
      if (keys == nullptr || keys->type() != Type::Object ||
          text_of(keys->as_object(), "type") != "string") {
        return error::permanent(errc::schema, "a map whose keys are not strings");
      }
    }
    out += t == "array" ? "{\"type\":\"array\",\"items\":" : "{\"type\":\"map\",\"values\":";
    if (auto r = optional_type(inner->as_object(), out); !r.ok()) return r;
    connect_props(s, out);
    out += '}';
    return {};
  }
  ConnectNode::Kind kind = ConnectNode::Kind::String;
  if (!connect_kind(t, kind)) {
    return error::permanent(errc::schema, "unknown Kafka Connect type '" + t + "'");
  }
  const char* base = avro_primitive(kind);
  const char* connect_type = kind == ConnectNode::Kind::Int8    ? "int8"
                             : kind == ConnectNode::Kind::Int16 ? "int16"
                                                                : nullptr;
  const bool plain = connect_type == nullptr && name.empty() && !member(s, "version") &&
                     !member(s, "parameters") && !member(s, "default") && !member(s, "doc");
  if (plain) {
    out += '"';
    out += base;
    out += '"';
    return {};
  }
  out += "{\"type\":\"";
  out += base;
  out += '"';
  if (connect_type != nullptr) {
    out += ",\"connect.type\":\"";
    out += connect_type;
    out += '"';
  }
  if (name == "org.apache.kafka.connect.data.Decimal") {
    out += ",\"scale\":" + parameter(s, "scale", "0");
    out += ",\"precision\":" + parameter(s, "connect.decimal.precision", "64");
  }
  connect_props(s, out);
  logical_props(name, out);
  out += '}';
  return {};
}

// Optional: a union with null, null first unless the schema has a default.
result<void> SchemaWriter::optional_type(const Object& s, std::string& out) {
  if (!flag_of(s, "optional")) return type(s, out);
  const bool has_default = member(s, "default") != nullptr;
  out += has_default ? "[" : "[\"null\",";
  if (auto r = type(s, out); !r.ok()) return r;
  out += has_default ? ",\"null\"]" : "]";
  return {};
}

result<void> SchemaWriter::record(const Object& s, std::string& out) {
  std::string full = adjusted_full_name(text_of(s, "name"));
  if (full.empty()) {
    full = "io.confluent.connect.avro.ConnectDefault" +
           (unnamed_ == 0 ? std::string() : std::to_string(unnamed_ + 1));
    ++unnamed_;
  }
  const size_t dot = full.rfind('.');
  const std::string space = dot == std::string::npos ? "" : full.substr(0, dot);
  const std::string name = dot == std::string::npos ? full : full.substr(dot + 1);
  if (defined_.count(full)) {  // written before: its name, relative to the namespace we are in
    json::encode_string(space == space_ ? name : full, out);
    return {};
  }
  defined_.insert(full);
  out += "{\"type\":\"record\",\"name\":";
  json::encode_string(name, out);
  if (space != space_) {
    out += ",\"namespace\":";
    json::encode_string(space, out);
  }
  out += ",\"fields\":[";
  const Value* fields = member(s, "fields");
  if (fields == nullptr || fields->type() != Type::List) {
    return error::permanent(errc::schema, "struct schema '" + full + "' without fields");
  }
  const std::string outer = space_;
  space_ = space;
  bool first = true;
  for (const Value& f : fields->as_list()) {
    if (f.type() != Type::Object) return error::permanent(errc::schema, "a field is not a schema");
    if (!first) out += ',';
    first = false;
    if (auto r = field(f.as_object(), out); !r.ok()) return r;
  }
  space_ = outer;
  out += ']';
  connect_props(s, out, false);
  out += '}';
  return {};
}

result<void> SchemaWriter::field(const Object& f, std::string& out) {
  const std::string name = text_of(f, "field");
  if (name.empty()) return error::permanent(errc::schema, "a struct field without a name");
  out += "{\"name\":";
  json::encode_string(avro_name(name), out);
  out += ",\"type\":";
  if (auto r = optional_type(f, out); !r.ok()) return r;
  if (const Value* d = member(f, "default")) {
    out += ",\"default\":";
    json::encode(*d, out);
  } else if (flag_of(f, "optional")) {
    out += ",\"default\":null";
  }
  out += '}';
  return {};
}

}  // namespace

std::string avro_name(const std::string& name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

result<std::string> avro_schema_of(const Value& connect) {
  if (connect.type() != Type::Object) {
    return error::permanent(errc::schema, "the message's schema is not a JSON object");
  }
  SchemaWriter w;
  std::string out;
  const Object& s = connect.as_object();
  if (flag_of(s, "optional") && text_of(s, "type") != "struct") {
    // A top-level optional primitive: a union, as AvroData writes it.
    out += "[\"null\",";
    if (auto r = w.type(s, out); !r.ok()) return r.err();
    out += ']';
    return out;
  }
  if (auto r = w.type(s, out); !r.ok()) return r.err();
  return out;
}

}  // namespace sluice::operators::avro
