#include "operators/mysql/json_binary.h"

#include <cstdio>
#include <cstring>

#include "base/temporal.h"
#include "operators/mysql/column_type.h"
#include "operators/mysql/decimal_binary.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

enum JsonType : uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0a,
  kJDouble = 0x0b,
  kJString = 0x0c,
  kOpaque = 0x0f,
};

struct Doc {
  const uint8_t* base;
  size_t size;
};

uint64_t le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// Variable-length length: 7 bits per byte, high bit = more.
bool varlen(const uint8_t* p, size_t avail, uint64_t& len, size_t& used) {
  len = 0;
  for (size_t i = 0; i < 5 && i < avail; ++i) {
    len |= static_cast<uint64_t>(p[i] & 0x7f) << (7 * i);
    if (!(p[i] & 0x80)) {
      used = i + 1;
      return true;
    }
  }
  return false;
}

result<Value> value_at(uint8_t type, const uint8_t* p, size_t avail, int depth);

// A temporal value inside MySQL JSON (opaque, MySQL's 8-byte packed "longlong" time format):
// ((((year * 13 + month) << 5 | day) << 17 | hour << 12 | minute << 6 | second) << 24) +
// microseconds, negated for a negative TIME. DATE -> date, DATETIME -> datetime,
// TIMESTAMP -> timestamp (UTC), TIME -> "[-]HH:MM:SS[.ffffff]" as TIME columns read.
result<Value> packed_temporal(uint8_t ftype, int64_t v) {
  bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);  // INT64_MIN too
  int64_t micros = static_cast<int64_t>(u % (uint64_t{1} << 24));
  uint64_t ymdhms = u >> 24;
  if (ftype == kTime || ftype == kTime2) {
    uint64_t hour = ymdhms >> 12, minute = (ymdhms >> 6) % 64, second = ymdhms % 64;
    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%s%02llu:%02llu:%02llu", neg ? "-" : "",
                          static_cast<unsigned long long>(hour),
                          static_cast<unsigned long long>(minute),
                          static_cast<unsigned long long>(second));
    std::string s(buf, static_cast<size_t>(n));
    if (micros) {
      std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
      s += buf;
    }
    return Value::string(std::move(s));
  }
  uint64_t ymd = ymdhms >> 17, hms = ymdhms % (1 << 17);
  unsigned day = static_cast<unsigned>(ymd % 32), month = static_cast<unsigned>((ymd >> 5) % 13);
  int year = static_cast<int>((ymd >> 5) / 13);
  if (neg || month < 1 || day < 1 || year > 9999) return Value::null();  // zero / invalid date
  int64_t days = temporal::days_from_civil(year, month, day);
  if (ftype == kDate || ftype == kNewDate) return Value::date(static_cast<int32_t>(days));
  int64_t secs = static_cast<int64_t>((hms >> 12) * 3600 + ((hms >> 6) % 64) * 60 + hms % 64);
  int64_t t = (days * 86400 + secs) * 1000000 + micros;
  if (ftype == kTimestamp || ftype == kTimestamp2) return Value::timestamp(t);
  return Value::datetime(t);
}

result<Value> container(bool object, bool large, const uint8_t* p, size_t avail, int depth) {
  size_t w = large ? 4 : 2;
  if (avail < 2 * w) return error::permanent(errc::decode, "truncated JSON container");
  uint64_t count = le(p, w);
  uint64_t size = le(p + w, w);
  if (size > avail) return error::permanent(errc::decode, "JSON container larger than its value");
  size_t key_entry = object ? w + 2 : 0;
  size_t value_entry = 1 + w;
  size_t header = 2 * w + count * key_entry + count * value_entry;
  if (header > size) return error::permanent(errc::decode, "truncated JSON container header");
  Object obj;
  List list;
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t* ve = p + 2 * w + count * key_entry + i * value_entry;
    uint8_t t = ve[0];
    result<Value> v = Value::null();
    bool inlined =
        t == kLiteral || t == kInt16 || t == kUInt16 || (large && (t == kInt32 || t == kUInt32));
    if (inlined) {
      v = value_at(t, ve + 1, w, depth + 1);
    } else {
      uint64_t off = le(ve + 1, w);
      if (off >= size) return error::permanent(errc::decode, "JSON value offset out of range");
      v = value_at(t, p + off, size - off, depth + 1);
    }
    if (!v.ok()) return v;
    if (object) {
      const uint8_t* ke = p + 2 * w + i * key_entry;
      uint64_t koff = le(ke, w), klen = le(ke + w, 2);
      if (koff + klen > size) return error::permanent(errc::decode, "JSON key out of range");
      obj.append(intern(std::string_view(reinterpret_cast<const char*>(p + koff), klen)),
                 std::move(v).value());
    } else {
      list.push_back(std::move(v).value());
    }
  }
  if (object) return Value::object(std::move(obj));
  return Value::list(std::move(list));
}

result<Value> value_at(uint8_t type, const uint8_t* p, size_t avail, int depth) {
  if (depth > 100) return error::permanent(errc::decode, "JSON nested too deeply");
  switch (type) {
    case kSmallObject:
      return container(true, false, p, avail, depth);
    case kLargeObject:
      return container(true, true, p, avail, depth);
    case kSmallArray:
      return container(false, false, p, avail, depth);
    case kLargeArray:
      return container(false, true, p, avail, depth);
    case kLiteral:
      if (avail < 1) break;
      if (p[0] == 0) return Value::null();
      if (p[0] == 1) return Value::boolean(true);
      if (p[0] == 2) return Value::boolean(false);
      return error::permanent(errc::decode, "bad JSON literal");
    case kInt16:
      if (avail < 2) break;
      return Value::int64(static_cast<int16_t>(le(p, 2)));
    case kUInt16:
      if (avail < 2) break;
      return Value::int64(static_cast<int64_t>(le(p, 2)));
    case kInt32:
      if (avail < 4) break;
      return Value::int64(static_cast<int32_t>(le(p, 4)));
    case kUInt32:
      if (avail < 4) break;
      return Value::int64(static_cast<int64_t>(le(p, 4)));
    case kInt64:
      if (avail < 8) break;
      return Value::int64(static_cast<int64_t>(le(p, 8)));
    case kUInt64: {
      if (avail < 8) break;
      uint64_t u = le(p, 8);
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::int64(static_cast<int64_t>(u));
      return Value::uint64(u);
    }
    case kJDouble: {
      if (avail < 8) break;
      uint64_t bits = le(p, 8);
      double d;
      std::memcpy(&d, &bits, 8);
      return Value::float64(d);
    }
    case kJString: {
      uint64_t len;
      size_t used;
      if (!varlen(p, avail, len, used) || used + len > avail) break;
      return Value::string(std::string(reinterpret_cast<const char*>(p + used), len));
    }
    case kOpaque: {
      if (avail < 1) break;
      uint8_t ftype = p[0];
      uint64_t len;
      size_t used;
      if (!varlen(p + 1, avail - 1, len, used) || 1 + used + len > avail) break;
      const uint8_t* data = p + 1 + used;
      if (ftype == kNewDecimal && len >= 2) {
        int prec = data[0], scale = data[1];
        if (decimal_binary_size(prec, scale) + 2 > len) break;
        size_t consumed = 0;
        auto d = decode_decimal(data + 2, prec, scale, &consumed);
        if (!d.ok()) return d.err();
        return Value::decimal(*d);
      }
      if ((ftype == kDate || ftype == kDateTime || ftype == kTimestamp || ftype == kTime ||
           ftype == kDateTime2 || ftype == kTimestamp2 || ftype == kTime2 || ftype == kNewDate) &&
          len == 8) {
        return packed_temporal(ftype, static_cast<int64_t>(le(data, 8)));
      }
      return Value::bytes(std::string(reinterpret_cast<const char*>(data), len));
    }
    default:
      return error::permanent(errc::decode, "unknown JSON value type " + std::to_string(type));
  }
  return error::permanent(errc::decode, "truncated JSON value");
}

}  // namespace

result<Value> decode_json_binary(const uint8_t* p, size_t n) {
  if (n == 0) return Value::null();
  return value_at(p[0], p + 1, n - 1, 0);
}

}  // namespace sluice::operators::mysql
