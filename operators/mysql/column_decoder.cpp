#include "operators/mysql/column_decoder.h"

#include <cstring>

#include "base/json.h"
#include "base/utf8.h"
#include "operators/mysql/charset_converter.h"
#include "operators/mysql/charset_table.h"
#include "operators/mysql/decimal_binary.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/geometry_value.h"
#include "operators/mysql/json_binary.h"
#include "operators/mysql/plugin_types.h"
#include "operators/mysql/temporal_decoder.h"

namespace sluice::operators::mysql {

namespace {

// cp1252 0x80..0x9F (MySQL's latin1); 0 = undefined, kept as the latin1 code point.
constexpr uint16_t kCp1252[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Bytes; MariaDB's UUID, INET6 and INET4 (binary in the binlog) as the text SELECT shows.
result<Value> binary_value(const Column& c, std::string b) {
  if (c.plugin_type.empty()) return Value::bytes(std::move(b));
  auto text = plugin_type_text(c.plugin_type, b);
  if (!text) {
    return error::permanent(errc::decode, "column " + c.name + ": " + std::to_string(b.size()) +
                                              " bytes are no " + c.plugin_type + " value");
  }
  return Value::string(std::move(*text));
}

result<Value> text_value(const Column& c, std::string_view raw) {
  if (c.collation == kBinaryCollation) return binary_value(c, std::string(raw));
  auto s = column_text(c, raw);
  if (!s.ok()) return s.err();
  return Value::string(std::move(s).value());
}

// ---- numbers ----

// TINYINT, SMALLINT, MEDIUMINT, INT: `n` little-endian bytes, sign-extended unless unsigned.
Value int_value(const Column& c, ByteReader& r, size_t n) {
  uint64_t v = r.le(n);
  if (c.is_unsigned) return Value::int64(static_cast<int64_t>(v));
  const unsigned shift = static_cast<unsigned>(64 - 8 * n);
  return Value::int64(static_cast<int64_t>(v << shift) >> shift);
}

Value longlong_value(const Column& c, ByteReader& r) {
  uint64_t v = r.le(8);
  return c.is_unsigned ? Value::uint64(v) : Value::int64(static_cast<int64_t>(v));
}

Value float_value(ByteReader& r) {
  uint32_t bits = static_cast<uint32_t>(r.le(4));
  float f;
  std::memcpy(&f, &bits, 4);
  return Value::float64(static_cast<double>(f));
}

Value double_value(ByteReader& r) {
  uint64_t bits = r.le(8);
  double d;
  std::memcpy(&d, &bits, 8);
  return Value::float64(d);
}

Value year_value(ByteReader& r) {
  uint64_t v = r.le(1);
  return Value::int64(v == 0 ? 0 : 1900 + static_cast<int64_t>(v));
}

result<Value> decimal_value(const Column& c, ByteReader& r) {
  size_t size = decimal_binary_size(c.precision, c.scale);
  if (!r.has(size)) return truncated_value(c);
  size_t used = 0;
  auto d = decode_decimal(r.ptr(), c.precision, c.scale, &used);
  r.skip(used);
  if (!d.ok()) return d.err();
  return Value::decimal(*d);
}

result<Value> bit_value(const Column& c, ByteReader& r) {
  size_t nbytes = (c.meta >> 8) + ((c.meta & 0xff) ? 1 : 0);
  if (nbytes > 8) return error::permanent(errc::decode, "BIT wider than 64");
  return Value::uint64(r.be(nbytes));
}

// ---- strings ----

result<Value> varchar_value(const Column& c, ByteReader& r) {
  size_t n = static_cast<size_t>(r.le(c.length < 256 ? 1 : 2));
  std::string_view raw = r.bytes(n);
  if (r.failed()) return truncated_value(c);
  return text_value(c, raw);
}

result<Value> enum_value(const Column& c, ByteReader& r) {
  uint64_t idx = r.le(c.length);
  if (r.failed()) return truncated_value(c);
  if (idx == 0) return Value::string("");
  if (idx > c.labels.size()) return Value::string(std::to_string(idx));  // labels unknown
  return Value::string(c.labels[idx - 1]);
}

result<Value> set_value(const Column& c, ByteReader& r) {
  uint64_t bits = r.le(c.length);
  if (r.failed()) return truncated_value(c);
  List l;
  for (size_t i = 0; i < 64; ++i) {
    if (!((bits >> i) & 1)) continue;
    if (i < c.labels.size())
      l.push_back(Value::string(c.labels[i]));
    else
      l.push_back(Value::string(std::to_string(i + 1)));
  }
  return Value::list(std::move(l));
}

// CHAR and BINARY (kString columns that are no ENUM or SET).
result<Value> char_value(const Column& c, ByteReader& r) {
  size_t n = static_cast<size_t>(r.le(c.length < 256 ? 1 : 2));
  std::string_view raw = r.bytes(n);
  if (r.failed()) return truncated_value(c);
  if (c.collation == kBinaryCollation) {  // BINARY(n): the binlog drops the 0x00 padding
    std::string b(raw);
    if (b.size() < c.length) b.resize(c.length, '\0');
    return binary_value(c, std::move(b));
  }
  return text_value(c, raw);
}

result<Value> string_value(const Column& c, ByteReader& r) {
  if (c.real_type == kEnum) return enum_value(c, r);
  if (c.real_type == kSet) return set_value(c, r);
  return char_value(c, r);
}

// ---- blobs: a length of c.meta bytes, then the bytes ----

bool read_blob(const Column& c, ByteReader& r, std::string_view& raw) {
  size_t n = static_cast<size_t>(r.le(c.meta));
  raw = r.bytes(n);
  return !r.failed();
}

// BLOB and TEXT; MariaDB's JSON is LONGTEXT.
result<Value> blob_value(const Column& c, ByteReader& r) {
  std::string_view raw;
  if (!read_blob(c, r, raw)) return truncated_value(c);
  if (c.is_json) {
    if (raw.empty()) return Value::null();
    auto v = json::parse(raw);
    if (!v.ok()) return error::permanent(errc::bad_json, v.err().message);  // read whole
    return std::move(v).value();
  }
  return text_value(c, raw);
}

result<Value> json_value(const Column& c, ByteReader& r) {
  std::string_view raw;
  if (!read_blob(c, r, raw)) return truncated_value(c);
  return decode_json_binary(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

result<Value> wkb_value(const Column& c, ByteReader& r) {
  std::string_view raw;
  if (!read_blob(c, r, raw)) return truncated_value(c);
  return Value::bytes(geometry_bytes(raw));  // SRID + WKB -> WKB or EWKB
}

}  // namespace

error truncated_value(const Column& c) {
  return error::permanent(errc::decode,
                          std::string("truncated ") + column_type_name(c.type) + " value");
}

result<std::string> column_text(const Column& c, std::string_view raw) {
  if (is_latin1_collation(c.collation)) {
    std::string s;
    latin1_to_utf8(raw, s);
    return s;
  }
  if (!c.text_table && charset_is_utf8(c.charset)) return std::string(raw);
  auto s = c.text_table ? c.text_table->to_utf8(raw) : charset_to_utf8(c.charset, raw);
  if (!s.ok()) return error::permanent(errc::decode, "column " + c.name + ": " + s.err().message);
  return s;
}

void latin1_to_utf8(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size() + 8);
  for (unsigned char ch : in) {
    if (ch < 0x80) {
      out.push_back(static_cast<char>(ch));
    } else if (ch < 0xA0 && kCp1252[ch - 0x80] != 0) {
      append_utf8(out, kCp1252[ch - 0x80]);
    } else {
      append_utf8(out, ch);
    }
  }
}

result<Value> decode_column(const Column& c, ByteReader& r, DecodeStats& stats) {
  if ((c.type == kTime2 || c.type == kDateTime2 || c.type == kTimestamp2) && c.fsp > 6) {
    return error::permanent(errc::decode, std::string(column_type_name(c.type)) + " with " +
                                              std::to_string(c.fsp) +
                                              " fraction digits (at most 6)");
  }
  switch (c.type) {
    case kTiny:
      return int_value(c, r, 1);
    case kShort:
      return int_value(c, r, 2);
    case kInt24:
      return int_value(c, r, 3);
    case kLong:
      return int_value(c, r, 4);
    case kLongLong:
      return longlong_value(c, r);
    case kFloat:
      return float_value(r);
    case kDouble:
      return double_value(r);
    case kYear:
      return year_value(r);
    case kNewDecimal:
      return decimal_value(c, r);
    case kBit:
      return bit_value(c, r);
    case kDate:
    case kNewDate:
      return date_value(c, r, stats);
    case kTime2:
      return time2_value(c, r, stats);
    case kTime:
      return time_value(c, r, stats);
    case kDateTime2:
      return datetime2_value(c, r, stats);
    case kDateTime:
      return datetime_value(c, r, stats);
    case kTimestamp2:
      return timestamp2_value(c, r, stats);
    case kTimestamp:
      return timestamp_value(c, r, stats);
    case kVarchar:
    case kVarString:
      return varchar_value(c, r);
    case kString:
      return string_value(c, r);
    case kBlob:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
      return blob_value(c, r);
    case kJson:
      return json_value(c, r);
    case kGeometry:
      return wkb_value(c, r);
    case kNull:
      return Value::null();
    default:
      return error::permanent(errc::decode, std::string("unsupported column type ") +
                                                column_type_name(c.type) + " (" +
                                                std::to_string(c.type) + ")");
  }
}

}  // namespace sluice::operators::mysql
