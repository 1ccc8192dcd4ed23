#include "operators/avro/connect_node.h"

#include <cstdint>
#include <cstdlib>
#include <utility>

#include "base/json.h"
#include "operators/avro/connect_schema_fields.h"
#include "operators/avro/errc.h"

namespace sluice::operators::avro {
namespace {

using Kind = ConnectNode::Kind;

error value_error(const std::string& where, const std::string& what) {
  return error::permanent(errc::value,
                          "avro: " + (where.empty() ? "the value" : where) + ": " + what);
}

// The number of a JSON number value as a double (float/double fields).
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

}  // namespace

bool connect_kind(const std::string& t, Kind& k) {
  static const std::pair<const char*, Kind> kNames[] = {
      {"int8", Kind::Int8},     {"int16", Kind::Int16},    {"int32", Kind::Int32},
      {"int64", Kind::Int64},   {"float", Kind::Float},    {"float32", Kind::Float},
      {"double", Kind::Double}, {"float64", Kind::Double}, {"boolean", Kind::Boolean},
      {"string", Kind::String}, {"bytes", Kind::Bytes},    {"struct", Kind::Struct},
      {"array", Kind::Array},   {"map", Kind::Map}};
  for (const auto& [name, kind] : kNames) {
    if (t == name) {
      k = kind;
      return true;
    }
  }
  return false;
}

error avro_error(const std::string& where) {
  return error::permanent(errc::value, "avro: " + where + ": " + avro_strerror());
}

result<ConnectNode> ConnectNode::compile(const Value& schema, const std::string& path) {
  if (schema.type() != Type::Object) return value_error(path, "a schema is not an object");
  const Object& s = schema.as_object();
  ConnectNode n;
  n.path = path;
  const std::string t = text_of(s, "type");
  if (!connect_kind(t, n.kind)) return value_error(path, "unknown Kafka Connect type '" + t + "'");
  n.optional = flag_of(s, "optional");
  n.default_first = n.optional && member(s, "default") != nullptr;
  if (n.kind == Kind::Struct) {
    const Value* fields = member(s, "fields");
    if (fields == nullptr || fields->type() != Type::List) return value_error(path, "no fields");
    for (const Value& f : fields->as_list()) {
      const std::string name = f.type() == Type::Object ? text_of(f.as_object(), "field") : "";
      auto child = compile(f, path.empty() ? name : path + "." + name);
      if (!child.ok()) return child.err();
      child->field = intern(name);
      n.children.push_back(std::move(child).value());
    }
  } else if (n.kind == Kind::Array || n.kind == Kind::Map) {
    const Value* inner = member(s, n.kind == Kind::Array ? "items" : "values");
    if (inner == nullptr) return value_error(path, "no element schema");
    auto child = compile(*inner, path + (n.kind == Kind::Array ? "[]" : "{}"));
    if (!child.ok()) return child.err();
    n.children.push_back(std::move(child).value());
  }
  return n;
}

result<void> ConnectNode::fill(const Value* v, avro_value_t* dst) const {
  const bool is_null = v == nullptr || v->is_null();
  if (!optional) {
    if (is_null) return value_error(path, "null for a field that is not optional");
    return fill_present(*v, dst);
  }
  const int branch = is_null == default_first ? 1 : 0;
  avro_value_t inner;
  if (avro_value_set_branch(dst, branch, &inner) != 0) return avro_error(path);
  if (is_null) return avro_value_set_null(&inner) == 0 ? result<void>() : avro_error(path);
  return fill_present(*v, &inner);
}

result<void> ConnectNode::fill_present(const Value& v, avro_value_t* dst) const {
  switch (kind) {
    case Kind::Struct: {
      if (v.type() != Type::Object) return value_error(path, "a struct value is not an object");
      for (size_t i = 0; i < children.size(); ++i) {
        avro_value_t child;
        if (avro_value_get_by_index(dst, i, &child, nullptr) != 0) return avro_error(path);
        if (auto r = children[i].fill(v.as_object().find(children[i].field), &child); !r.ok())
          return r;
      }
      return {};
    }
    case Kind::Array: {
      if (v.type() != Type::List) return value_error(path, "an array value is not a list");
      for (const Value& x : v.as_list()) {
        avro_value_t child;
        if (avro_value_append(dst, &child, nullptr) != 0) return avro_error(path);
        if (auto r = children[0].fill(&x, &child); !r.ok()) return r;
      }
      return {};
    }
    case Kind::Map: {
      if (v.type() != Type::Object) return value_error(path, "a map value is not an object");
      for (const auto& f : v.as_object().fields()) {
        avro_value_t child;
        if (avro_value_add(dst, sym_name(f.name).c_str(), &child, nullptr, nullptr) != 0)
          return avro_error(path);
        if (auto r = children[0].fill(&f.value, &child); !r.ok()) return r;
      }
      return {};
    }
    default:
      return fill_primitive(v, dst);
  }
}

result<void> ConnectNode::fill_primitive(const Value& v, avro_value_t* dst) const {
  int rc = 0;
  switch (kind) {
    case Kind::Int8:
    case Kind::Int16:
    case Kind::Int32: {
      if (v.type() != Type::Int) return value_error(path, "not an integer");
      const int64_t x = v.as_int();
      const int64_t hi = kind == Kind::Int8 ? 127 : kind == Kind::Int16 ? 32767 : INT32_MAX;
      if (x < -hi - 1 || x > hi) return value_error(path, "out of range");
      rc = avro_value_set_int(dst, static_cast<int32_t>(x));
      break;
    }
    case Kind::Int64:
      if (v.type() != Type::Int) return value_error(path, "not a 64-bit integer");
      rc = avro_value_set_long(dst, v.as_int());
      break;
    case Kind::Float:
    case Kind::Double: {
      double d = 0;
      if (!number_of(v, d)) return value_error(path, "not a number");
      rc = kind == Kind::Float ? avro_value_set_float(dst, static_cast<float>(d))
                               : avro_value_set_double(dst, d);
      break;
    }
    case Kind::Boolean:
      if (v.type() != Type::Bool) return value_error(path, "not a boolean");
      rc = avro_value_set_boolean(dst, v.as_bool() ? 1 : 0);
      break;
    case Kind::String:
      if (v.type() != Type::String) return value_error(path, "not a string");
      // libavro's size counts the terminating NUL.
      rc = avro_value_set_string_len(dst, v.as_string().c_str(), v.as_string().size() + 1);
      break;
    case Kind::Bytes: {
      auto raw = v.type() == Type::String ? json::base64_decode(v.as_string())
                                          : result<std::string>(error::permanent("not base64"));
      if (!raw.ok()) return value_error(path, "bytes are not base64 text");
      rc = avro_value_set_bytes(dst, raw->data(), raw->size());
      break;
    }
    default:
      return value_error(path, "not a primitive type");
  }
  return rc == 0 ? result<void>() : result<void>(avro_error(path));
}

}  // namespace sluice::operators::avro
