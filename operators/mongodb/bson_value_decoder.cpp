#include "operators/mongodb/bson_value_decoder.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

#include "operators/mongodb/errc.h"

namespace sluice::operators::mongodb {
namespace {

// Where a value sits: a chain of keys up to the root, made into text only for an error (no
// string is built per field of a document that decodes).
struct BsonPathLink {
  const BsonPathLink* up;
  std::string_view key;
};

std::string bson_path_text(const BsonPathLink* at) {
  std::string out;
  for (; at != nullptr; at = at->up) {
    if (at->key.empty()) continue;
    out = out.empty() ? std::string(at->key) : std::string(at->key) + "." + out;
  }
  return out;
}

error bad_bson_value(const BsonPathLink* at, const std::string& why) {
  const std::string path = bson_path_text(at);
  return error::permanent(errc::decode, "field " + (path.empty() ? "(top)" : path) + ": " + why);
}

// {"$name": inner}: the canonical extended JSON object of a type without a Sluice value.
Value wrapped_value(const char* name, Value inner) {
  Object o;
  o.append(intern(name), std::move(inner));
  return Value::object(std::move(o));
}

std::optional<Value> utf8_value(const char* s, uint32_t len) {
  if (!bson_utf8_validate(s, len, true)) return std::nullopt;
  return Value::string(std::string(s, len));
}

result<Value> bson_value_at(const bson_iter_t* it, const BsonPathLink* at, int depth);

// The fields `it` iterates (positioned before the first).
result<Object> bson_fields_at(bson_iter_t& it, const BsonPathLink* at, int depth) {
  Object o;
  while (bson_iter_next(&it)) {
    const std::string_view key(bson_iter_key(&it), bson_iter_key_len(&it));
    if (!bson_utf8_validate(key.data(), key.size(), false)) {
      return bad_bson_value(at, "a field name is not valid UTF-8");
    }
    const BsonPathLink here{at, key};
    auto v = bson_value_at(&it, &here, depth + 1);
    if (!v.ok()) return v.err();
    o.append(intern(key), std::move(v).value());
  }
  return o;
}

result<Value> bson_list_at(const bson_iter_t* it, const BsonPathLink* at, int depth) {
  bson_iter_t child;
  if (!bson_iter_recurse(it, &child)) return bad_bson_value(at, "malformed array");
  List l;
  while (bson_iter_next(&child)) {
    const BsonPathLink here{at, std::string_view(bson_iter_key(&child), bson_iter_key_len(&child))};
    auto v = bson_value_at(&child, &here, depth + 1);
    if (!v.ok()) return v.err();
    l.push_back(std::move(v).value());
  }
  return Value::list(std::move(l));
}

// {"$dbPointer": {"$ref": collection, "$id": ObjectId hex}} (a deprecated type).
Value dbpointer_value(const bson_iter_t* it) {
  uint32_t len = 0;
  const char* coll = nullptr;
  const bson_oid_t* oid = nullptr;
  bson_iter_dbpointer(it, &len, &coll, &oid);
  char hex[25];
  bson_oid_to_string(oid, hex);
  Object o;
  o.append(intern("$ref"), Value::string(std::string(coll, len)));
  o.append(intern("$id"), Value::string(hex));
  return wrapped_value("$dbPointer", Value::object(std::move(o)));
}

// {"$code": text, "$scope": {...}}.
result<Value> code_with_scope_value(const bson_iter_t* it, const BsonPathLink* at, int depth) {
  uint32_t len = 0, scope_len = 0;
  const uint8_t* scope = nullptr;
  const char* code = bson_iter_codewscope(it, &len, &scope_len, &scope);
  auto s = utf8_value(code, len);
  bson_t scope_doc;
  bson_iter_t sit;
  if (!s || !bson_init_static(&scope_doc, scope, scope_len) || !bson_iter_init(&sit, &scope_doc)) {
    return bad_bson_value(at, "malformed JavaScript code with scope");
  }
  auto fields = bson_fields_at(sit, at, depth);
  if (!fields.ok()) return fields.err();
  Object o;
  o.append(intern("$code"), std::move(*s));
  o.append(intern("$scope"), Value::object(std::move(fields).value()));
  return Value::object(std::move(o));
}

// Regex, DBPointer, JavaScript code (with or without scope), timestamp, min/max key.
result<Value> special_value(const bson_iter_t* it, const BsonPathLink* at, int depth) {
  switch (bson_iter_type(it)) {
    case BSON_TYPE_REGEX: {
      const char* options = nullptr;
      const char* pattern = bson_iter_regex(it, &options);
      Object o;
      o.append(intern("pattern"), Value::string(pattern != nullptr ? pattern : ""));
      o.append(intern("options"), Value::string(options != nullptr ? options : ""));
      return wrapped_value("$regularExpression", Value::object(std::move(o)));
    }
    case BSON_TYPE_TIMESTAMP: {
      uint32_t t = 0, i = 0;
      bson_iter_timestamp(it, &t, &i);
      Object o;
      o.append(intern("t"), Value::int64(t));
      o.append(intern("i"), Value::int64(i));
      return wrapped_value("$timestamp", Value::object(std::move(o)));
    }
    case BSON_TYPE_MINKEY:
      return wrapped_value("$minKey", Value::int64(1));
    case BSON_TYPE_MAXKEY:
      return wrapped_value("$maxKey", Value::int64(1));
    case BSON_TYPE_DBPOINTER:
      return dbpointer_value(it);
    case BSON_TYPE_CODE: {
      uint32_t len = 0;
      const char* code = bson_iter_code(it, &len);
      auto s = utf8_value(code, len);
      if (!s) return bad_bson_value(at, "JavaScript code is not valid UTF-8");
      return wrapped_value("$code", std::move(*s));
    }
    case BSON_TYPE_CODEWSCOPE:
      return code_with_scope_value(it, at, depth);
    default:
      return bad_bson_value(at, "unknown BSON type " + std::to_string(bson_iter_type(it)));
  }
}

// Decimal128 and date: their own checks, the field named in the error.
result<Value> checked_value(const bson_iter_t* it, const BsonPathLink* at) {
  result<Value> v = Value();
  if (BSON_ITER_HOLDS_DATE_TIME(it)) {
    v = BsonValueDecoder::date_time(bson_iter_date_time(it));
  } else {
    bson_decimal128_t d;
    bson_iter_decimal128(it, &d);
    v = BsonValueDecoder::decimal128(d);
  }
  if (!v.ok()) return bad_bson_value(at, v.err().message);
  return v;
}

result<Value> bson_value_at(const bson_iter_t* it, const BsonPathLink* at, int depth) {
  if (depth > BsonValueDecoder::kMaxDepth) {
    return bad_bson_value(
        at, "nesting deeper than " + std::to_string(BsonValueDecoder::kMaxDepth) + " levels");
  }
  switch (bson_iter_type(it)) {
    case BSON_TYPE_DOUBLE:
      return Value::float64(bson_iter_double(it));
    case BSON_TYPE_UTF8:
    case BSON_TYPE_SYMBOL: {
      uint32_t len = 0;
      const char* s =
          BSON_ITER_HOLDS_UTF8(it) ? bson_iter_utf8(it, &len) : bson_iter_symbol(it, &len);
      auto v = utf8_value(s, len);
      if (!v) return bad_bson_value(at, "string is not valid UTF-8");
      return std::move(*v);
    }
    case BSON_TYPE_DOCUMENT: {
      bson_iter_t child;
      if (!bson_iter_recurse(it, &child)) return bad_bson_value(at, "malformed document");
      auto o = bson_fields_at(child, at, depth);
      if (!o.ok()) return o.err();
      return Value::object(std::move(o).value());
    }
    case BSON_TYPE_ARRAY:
      return bson_list_at(it, at, depth);
    case BSON_TYPE_BINARY: {
      bson_subtype_t subtype;
      uint32_t len = 0;
      const uint8_t* data = nullptr;
      bson_iter_binary(it, &subtype, &len, &data);
      return Value::bytes(std::string(reinterpret_cast<const char*>(data), len));
    }
    case BSON_TYPE_UNDEFINED:
    case BSON_TYPE_NULL:
      return Value::null();
    case BSON_TYPE_OID: {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(it), hex);
      return Value::string(hex);
    }
    case BSON_TYPE_BOOL:
      return Value::boolean(bson_iter_bool(it));
    case BSON_TYPE_INT32:
      return Value::int64(bson_iter_int32(it));
    case BSON_TYPE_INT64:
      return Value::int64(bson_iter_int64(it));
    case BSON_TYPE_DATE_TIME:
    case BSON_TYPE_DECIMAL128:
      return checked_value(it, at);
    default:
      return special_value(it, at, depth);
  }
}

}  // namespace

result<Value> BsonValueDecoder::date_time(int64_t millis) {
  constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 1000;
  if (millis > kLimit || millis < -kLimit) {
    return error::permanent(errc::decode, "date " + std::to_string(millis) +
                                              " ms since 1970 is beyond the range of a timestamp");
  }
  return Value::timestamp(millis * 1000);
}

result<Value> BsonValueDecoder::decimal128(const bson_decimal128_t& d) {
  char text[BSON_DECIMAL128_STRING];
  bson_decimal128_to_string(&d, text);
  const std::string s(text);
  if (s == "NaN") return Value::float64(std::numeric_limits<double>::quiet_NaN());
  if (s == "Infinity") return Value::float64(std::numeric_limits<double>::infinity());
  if (s == "-Infinity") return Value::float64(-std::numeric_limits<double>::infinity());
  auto dec = Decimal::parse(s);
  if (!dec) {
    return error::permanent(errc::decode, "Decimal128 " + s +
                                              " does not fit a decimal (at most 76 digits, "
                                              "38 after the point): not rounded");
  }
  return Value::decimal(*dec);
}

result<Value> BsonValueDecoder::value(const bson_iter_t* it, const std::string& path, int depth) {
  const BsonPathLink root{nullptr, path};
  return bson_value_at(it, &root, depth);
}

result<Object> BsonValueDecoder::fields_of(bson_iter_t& it, const std::string& path, int depth) {
  const BsonPathLink root{nullptr, path};
  return bson_fields_at(it, &root, depth);
}

result<Object> BsonValueDecoder::embedded(const bson_iter_t* it, const std::string& path,
                                          int depth) {
  const BsonPathLink root{nullptr, path};
  bson_iter_t child;
  if (!bson_iter_recurse(it, &child)) return bad_bson_value(&root, "malformed document");
  return bson_fields_at(child, &root, depth);
}

result<Object> BsonValueDecoder::document(const bson_t* doc) {
  bson_iter_t it;
  if (doc == nullptr || !bson_validate(doc, BSON_VALIDATE_NONE, nullptr) ||
      !bson_iter_init(&it, doc)) {
    return error::permanent(errc::decode, "malformed BSON document");
  }
  return fields_of(it, "", 0);
}

}  // namespace sluice::operators::mongodb
