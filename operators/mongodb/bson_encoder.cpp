#include "operators/mongodb/bson_encoder.h"

#include <cstring>

#include "base/temporal.h"

namespace sluice::operators::mongodb {
namespace {

bool key_ok(std::string_view key, std::string& err) {
  if (std::memchr(key.data(), '\0', key.size()) != nullptr) {
    err = "field name contains a NUL byte";
    return false;
  }
  if (!bson_utf8_validate(key.data(), key.size(), false)) {
    err = "field name is not valid UTF-8";
    return false;
  }
  return true;
}

int key_len(std::string_view key) { return static_cast<int>(key.size()); }

bool append_decimal(bson_t* out, std::string_view key, const Decimal& dec, std::string& err) {
  std::string text = dec.to_string();
  if (dec.precision() > BsonEncoder::kMaxDecimal128Digits) {
    err = "decimal " + text + " has " + std::to_string(dec.precision()) +
          " significant digits and does not fit Decimal128, which holds " +
          std::to_string(BsonEncoder::kMaxDecimal128Digits) + " (not rounded: refused)";
    return false;
  }
  bson_decimal128_t d;
  if (!bson_decimal128_from_string(text.c_str(), &d)) {
    err = "decimal " + text + " cannot be stored as Decimal128";
    return false;
  }
  // Digit-for-digit check: the Decimal128 must read back as the same coefficient and scale.
  char back[BSON_DECIMAL128_STRING];
  bson_decimal128_to_string(&d, back);
  auto again = Decimal::parse(back);
  if (!again || again->compare(dec) != 0 || again->scale() != dec.scale()) {
    err = "decimal " + text + " would become " + back + " as Decimal128";
    return false;
  }
  return bson_append_decimal128(out, key.data(), key_len(key), &d);
}

}  // namespace

int64_t BsonEncoder::micros_to_millis(int64_t micros) {
  int64_t ms = micros / 1000;
  if (micros % 1000 < 0) --ms;
  return ms;
}

bool BsonEncoder::append(bson_t* out, std::string_view key, const Value& v, std::string& err,
                         int depth) {
  if (!key_ok(key, err)) return false;
  const char* k = key.data();
  int kl = key_len(key);
  bool ok = true;
  switch (v.type()) {
    case Type::Null:
      ok = bson_append_null(out, k, kl);
      break;
    case Type::Bool:
      ok = bson_append_bool(out, k, kl, v.as_bool());
      break;
    case Type::Int:
      ok = bson_append_int64(out, k, kl, v.as_int());
      break;
    case Type::UInt:
      if (v.as_uint() <= static_cast<uint64_t>(INT64_MAX)) {
        ok = bson_append_int64(out, k, kl, static_cast<int64_t>(v.as_uint()));
      } else {
        return append_decimal(out, key, Decimal(static_cast<int128>(v.as_uint()), 0), err);
      }
      break;
    case Type::Float:
      ok = bson_append_double(out, k, kl, v.as_float());
      break;
    case Type::Decimal:
      return append_decimal(out, key, v.as_decimal(), err);
    case Type::String:
    case Type::Time: {
      std::string time_text;
      const std::string* s = &time_text;
      if (v.type() == Type::Time) {
        time_text = temporal::format_time(v.as_micros());
      } else {
        s = &v.as_string();
      }
      if (!bson_utf8_validate(s->data(), s->size(), true)) {
        err = "string value of field " + std::string(key) + " is not valid UTF-8";
        return false;
      }
      ok = bson_append_utf8(out, k, kl, s->data(), static_cast<int>(s->size()));
      break;
    }
    case Type::Bytes: {
      const std::string& b = v.as_string();
      ok = bson_append_binary(out, k, kl, BSON_SUBTYPE_BINARY,
                              reinterpret_cast<const uint8_t*>(b.data()),
                              static_cast<uint32_t>(b.size()));
      break;
    }
    case Type::Date:
      ok = bson_append_date_time(out, k, kl, static_cast<int64_t>(v.as_date()) * 86400000LL);
      break;
    case Type::DateTime:
    case Type::Timestamp:
      ok = bson_append_date_time(out, k, kl, micros_to_millis(v.as_micros()));
      break;
    case Type::Object: {
      if (depth >= kMaxDepth) {
        err = "nesting deeper than " + std::to_string(kMaxDepth) + " levels";
        return false;
      }
      bson_t child;
      if (!bson_append_document_begin(out, k, kl, &child)) break;
      bool inner = append_fields(&child, v.as_object(), err, depth + 1);
      bson_append_document_end(out, &child);
      return inner;
    }
    case Type::List: {
      if (depth >= kMaxDepth) {
        err = "nesting deeper than " + std::to_string(kMaxDepth) + " levels";
        return false;
      }
      bson_t child;
      if (!bson_append_array_begin(out, k, kl, &child)) break;
      const List& l = v.as_list();
      char buf[16];
      for (size_t i = 0; i < l.size(); ++i) {
        const char* idx = nullptr;
        size_t n = bson_uint32_to_string(static_cast<uint32_t>(i), &idx, buf, sizeof buf);
        if (!append(&child, std::string_view(idx, n), l[i], err, depth + 1)) {
          bson_append_array_end(out, &child);
          return false;
        }
      }
      bson_append_array_end(out, &child);
      return true;
    }
  }
  if (!ok) err = "document too large (BSON append failed at field " + std::string(key) + ")";
  return ok;
}

bool BsonEncoder::append_fields(bson_t* out, const Object& row, std::string& err, int depth,
                                bool skip_id) {
  static const Sym id = intern("_id");
  for (const Field& f : row.fields()) {
    if (skip_id && f.name == id) continue;
    if (!append(out, sym_name(f.name), f.value, err, depth)) return false;
  }
  return true;
}

}  // namespace sluice::operators::mongodb
