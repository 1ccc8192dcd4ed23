#include "operators/postgres/binary_copy.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <pqxx/pqxx>

#include "base/json.h"
#include "operators/postgres/copy_encoder.h"

namespace sluice::operators::postgres {
namespace {

constexpr int64_t kPgEpochDays = 10957;  // 2000-01-01 - 1970-01-01
constexpr int64_t kPgEpochMicros = kPgEpochDays * 86400LL * 1000000LL;
constexpr uint32_t kTextOid = 25;

void put16(uint16_t v, std::string& out) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 2);
}

void put32(uint32_t v, std::string& out) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out.append(b, 4);
}

void put64(uint64_t v, std::string& out) {
  put32(static_cast<uint32_t>(v >> 32), out);
  put32(static_cast<uint32_t>(v), out);
}

void field_int64(int64_t v, std::string& out) {
  put32(8, out);
  put64(static_cast<uint64_t>(v), out);
}

// Base-10000 groups of `digits` (decimal, most significant first) followed by `pad` zeros,
// least significant group first; leading zero groups dropped. Returns the group count.
int digit_groups(std::string_view digits, int pad, uint16_t* groups) {
  const int len = static_cast<int>(digits.size());
  int n = 0;
  for (int end = len + pad; end > 0; end -= 4) {  // digit positions [end - 4, end)
    uint16_t g = 0;
    for (int i = end - 4; i < end; ++i) {
      g = static_cast<uint16_t>(g * 10 +
                                (i >= 0 && i < len ? digits[static_cast<size_t>(i)] - '0' : 0));
    }
    groups[n++] = g;
  }
  while (n > 0 && groups[n - 1] == 0) --n;
  return n;
}

// PostgreSQL numeric: ndigits, weight, sign, dscale, then base-10000 digits, most significant
// first; groups[0..n) least significant first, the last frac_groups after the point.
void put_numeric(const uint16_t* groups, int n, bool negative, int scale, std::string& out) {
  const int frac_groups = (scale + 3) / 4;
  int weight = n - frac_groups - 1;
  int low = 0;  // trailing zero groups are implied
  while (low < n && groups[low] == 0) ++low;
  const int ndigits = n - low;
  put32(static_cast<uint32_t>(8 + 2 * ndigits), out);
  put16(static_cast<uint16_t>(ndigits), out);
  put16(static_cast<uint16_t>(ndigits == 0 ? 0 : weight), out);
  put16(negative && ndigits > 0 ? 0x4000 : 0x0000, out);
  put16(static_cast<uint16_t>(scale), out);
  for (int i = n - 1; i >= low; --i) put16(groups[i], out);
}

// `mag` is |value| * 10^scale.
bool field_numeric(unsigned __int128 mag, bool negative, int scale, std::string& out) {
  const int pad = (4 - scale % 4) % 4;
  uint16_t groups[12];  // least significant first; 41 digits < 10000^11
  int n = 0;
  static constexpr unsigned __int128 kMax = ~static_cast<unsigned __int128>(0) / 1000;
  if (mag <= kMax) {
    for (int i = 0; i < pad; ++i) mag *= 10;
    while (mag > 0) {
      groups[n++] = static_cast<uint16_t>(mag % 10000);
      mag /= 10000;
    }
  } else {  // 37+ digits: shifting by 10^pad would overflow, group the decimal digits
    char digits[48];
    int len = 0;
    for (; mag > 0; mag /= 10) digits[47 - len++] = static_cast<char>('0' + mag % 10);
    n = digit_groups(std::string_view(digits + 48 - len, static_cast<size_t>(len)), pad, groups);
  }
  put_numeric(groups, n, negative, scale, out);
  return true;
}

// Any decimal, including those beyond 38 digits (up to 76 digits: at most 20 groups).
bool field_decimal(const Decimal& d, std::string& out) {
  if (!d.is_wide()) {
    int128 u = d.unscaled();
    unsigned __int128 mag =
        u < 0 ? static_cast<unsigned __int128>(-(u + 1)) + 1 : static_cast<unsigned __int128>(u);
    return field_numeric(mag, u < 0, d.scale(), out);
  }
  uint16_t groups[24];
  int n = digit_groups(d.unscaled_digits(), (4 - d.scale() % 4) % 4, groups);
  put_numeric(groups, n, d.sign() < 0, d.scale(), out);
  return true;
}

// A field whose length is known once its bytes are written: begin_field() reserves the
// length, end_field() fills it in.
size_t begin_field(std::string& out) {
  out.append(4, '\0');
  return out.size();
}

void end_field(size_t start, std::string& out) {
  const uint32_t n = static_cast<uint32_t>(out.size() - start);
  out[start - 4] = static_cast<char>(n >> 24);
  out[start - 3] = static_cast<char>(n >> 16);
  out[start - 2] = static_cast<char>(n >> 8);
  out[start - 1] = static_cast<char>(n);
}

bool field_text_array(const List& items, std::string& out) {
  bool has_null = false;
  for (const Value& e : items) has_null = has_null || e.is_null();
  const size_t start = begin_field(out);
  put32(items.empty() ? 0 : 1, out);  // ndim (0: the empty array)
  put32(has_null ? 1 : 0, out);
  put32(kTextOid, out);
  if (!items.empty()) {
    put32(static_cast<uint32_t>(items.size()), out);  // dimension
    put32(1, out);                                    // lower bound
  }
  for (const Value& e : items) {
    if (e.is_null()) {
      put32(0xFFFFFFFFu, out);
    } else if (e.type() == Type::String) {
      append_binary_bytes(e.as_string(), out);
    } else {
      append_binary_bytes(pg_text(e, ColKind::Plain), out);
    }
  }
  end_field(start, out);
  return true;
}

struct RawConnection : pqxx::largeobject {
  static PGconn* of(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

[[noreturn]] void throw_result(PGconn* c, PGresult* r) {
  std::string msg = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(c);
  const char* st = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = st != nullptr ? st : "";
  if (r != nullptr) PQclear(r);
  while (PGresult* more = PQgetResult(c)) PQclear(more);
  if (PQstatus(c) != CONNECTION_OK) throw pqxx::broken_connection(msg);
  throw pqxx::sql_error(msg, "COPY", state.empty() ? nullptr : state.c_str());
}

}  // namespace

BinType bin_type_for(const std::string& t) {
  if (t == "bigint") return BinType::Int8;
  if (t == "integer") return BinType::Int4;
  if (t == "smallint") return BinType::Int2;
  if (t.rfind("numeric", 0) == 0) return BinType::Numeric;
  if (t == "text" || t.rfind("character varying", 0) == 0) return BinType::Text;
  if (t == "\"char\"") return BinType::Char;
  if (t.rfind("timestamp", 0) == 0) {
    if (t.size() >= 17 && t.compare(t.size() - 17, 17, "without time zone") == 0) {
      return BinType::Timestamp;
    }
    return BinType::TimestampTz;
  }
  if (t == "date") return BinType::Date;
  if (t == "boolean") return BinType::Bool;
  if (t == "double precision") return BinType::Float8;
  if (t == "jsonb") return BinType::Jsonb;
  if (t == "json") return BinType::Json;
  if (t == "bytea") return BinType::Bytea;
  if (t == "text[]") return BinType::TextArray;
  return BinType::None;
}

void append_binary_header(std::string& out) {
  static const char kSig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
  out.append(kSig, 11);
  put32(0, out);  // flags
  put32(0, out);  // header extension
}

void append_binary_int16(int16_t v, std::string& out) { put16(static_cast<uint16_t>(v), out); }

void append_binary_bytes(std::string_view bytes, std::string& out) {
  put32(static_cast<uint32_t>(bytes.size()), out);
  out.append(bytes.data(), bytes.size());
}

namespace {

// ---- one field per binary type: false when the value does not fit it ----

bool bin_int8(const Value& v, std::string& out) {
  if (v.type() == Type::Int) {
    field_int64(v.as_int(), out);
    return true;
  }
  if (v.type() == Type::UInt && v.as_uint() <= static_cast<uint64_t>(INT64_MAX)) {
    field_int64(static_cast<int64_t>(v.as_uint()), out);
    return true;
  }
  return false;
}

bool bin_int4(const Value& v, std::string& out) {
  if (v.type() != Type::Int || v.as_int() < INT32_MIN || v.as_int() > INT32_MAX) return false;
  put32(4, out);
  put32(static_cast<uint32_t>(static_cast<int32_t>(v.as_int())), out);
  return true;
}

bool bin_int2(const Value& v, std::string& out) {
  if (v.type() != Type::Int || v.as_int() < INT16_MIN || v.as_int() > INT16_MAX) return false;
  put32(2, out);
  put16(static_cast<uint16_t>(static_cast<int16_t>(v.as_int())), out);
  return true;
}

bool bin_numeric(const Value& v, std::string& out) {
  if (v.type() == Type::Decimal) return field_decimal(v.as_decimal(), out);
  if (v.type() == Type::Int) {
    int64_t i = v.as_int();
    uint64_t mag = i < 0 ? static_cast<uint64_t>(-(i + 1)) + 1 : static_cast<uint64_t>(i);
    return field_numeric(mag, i < 0, 0, out);
  }
  if (v.type() == Type::UInt) return field_numeric(v.as_uint(), false, 0, out);
  return false;
}

bool bin_text(const Value& v, ColKind kind, std::string& out) {
  if (kind != ColKind::Plain) return false;
  if (v.type() == Type::String || v.type() == Type::Bytes) {
    append_binary_bytes(v.as_string(), out);
  } else {
    append_binary_bytes(pg_text(v, kind), out);
  }
  return true;
}

bool bin_char(const Value& v, std::string& out) {
  if (v.type() != Type::String || v.as_string().size() != 1) return false;
  append_binary_bytes(v.as_string(), out);
  return true;
}

bool bin_timestamp(const Value& v, std::string& out) {
  if (v.type() == Type::DateTime || v.type() == Type::Timestamp) {
    field_int64(v.as_micros() - kPgEpochMicros, out);
    return true;
  }
  if (v.type() == Type::Date) {
    field_int64(static_cast<int64_t>(v.as_date()) * 86400LL * 1000000LL - kPgEpochMicros, out);
    return true;
  }
  return false;
}

bool bin_date(const Value& v, std::string& out) {
  if (v.type() != Type::Date) return false;
  put32(4, out);
  put32(static_cast<uint32_t>(static_cast<int32_t>(v.as_date() - kPgEpochDays)), out);
  return true;
}

bool bin_bool(const Value& v, std::string& out) {
  bool b;
  if (v.type() == Type::Bool) {
    b = v.as_bool();
  } else if (v.type() == Type::Int && (v.as_int() == 0 || v.as_int() == 1)) {
    b = v.as_int() == 1;
  } else {
    return false;
  }
  put32(1, out);
  out.push_back(b ? '\1' : '\0');
  return true;
}

bool bin_float8(const Value& v, std::string& out) {
  double d;
  if (v.type() == Type::Float) {
    d = v.as_float();
  } else if (v.type() == Type::Int && v.as_int() >= -(1LL << 53) && v.as_int() <= (1LL << 53)) {
    d = static_cast<double>(v.as_int());
  } else {
    return false;
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  put32(8, out);
  put64(bits, out);
  return true;
}

// json and jsonb (a version byte, then the text).
bool bin_json(const Value& v, BinType t, ColKind kind, std::string& out) {
  if (!is_json(kind)) return false;
  const size_t start = begin_field(out);
  if (t == BinType::Jsonb) out.push_back('\1');  // jsonb binary format version
  // The text pg_text() gives: its own form for scalars, JSON for the rest.
  switch (v.type()) {
    case Type::Bool:
    case Type::Int:
    case Type::UInt:
    case Type::Float:
    case Type::Decimal:
      out += pg_text(v, kind);
      break;
    case Type::String:
      if (kind == ColKind::JsonText) {
        out += v.as_string();  // the document's text: the server parses it
        break;
      }
      json::encode(v, out);
      break;
    default:
      json::encode(v, out);
  }
  end_field(start, out);
  return true;
}

bool bin_bytea(const Value& v, std::string& out) {
  if (v.type() != Type::Bytes && v.type() != Type::String) return false;
  append_binary_bytes(v.as_string(), out);
  return true;
}

}  // namespace

bool append_binary_field(const Value& v, BinType t, ColKind kind, std::string& out) {
  if (v.type() == Type::Null) {
    put32(0xFFFFFFFFu, out);
    return true;
  }
  switch (t) {
    case BinType::None:
      return false;
    case BinType::Int8:
      return bin_int8(v, out);
    case BinType::Int4:
      return bin_int4(v, out);
    case BinType::Int2:
      return bin_int2(v, out);
    case BinType::Numeric:
      return bin_numeric(v, out);
    case BinType::Text:
      return bin_text(v, kind, out);
    case BinType::Char:
      return bin_char(v, out);
    case BinType::Timestamp:
    case BinType::TimestampTz:
      return bin_timestamp(v, out);
    case BinType::Date:
      return bin_date(v, out);
    case BinType::Bool:
      return bin_bool(v, out);
    case BinType::Float8:
      return bin_float8(v, out);
    case BinType::Jsonb:
    case BinType::Json:
      return bin_json(v, t, kind, out);
    case BinType::Bytea:
      return bin_bytea(v, out);
    case BinType::TextArray:
      if (v.type() != Type::List || kind != ColKind::TextArray) return false;
      return field_text_array(v.as_list(), out);
  }
  return false;
}

void BinaryCopyIn::start() {
  if (started_) return;
  tx_.exec("COPY " + target_ + " (" + columns_ + ") FROM STDIN (FORMAT binary)");
  started_ = true;
}

void BinaryCopyIn::put(std::string& data) {
  start();
  PGconn* c = RawConnection::of(tx_);
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, data.size() - at));
    if (PQputCopyData(c, data.data() + at, n) != 1) throw_result(c, nullptr);
  }
  data.clear();
}

void BinaryCopyIn::end(std::string& data) {
  put(data);
  PGconn* c = RawConnection::of(tx_);
  if (PQputCopyEnd(c, nullptr) != 1) throw_result(c, nullptr);
  PGresult* r = PQgetResult(c);
  if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) throw_result(c, r);
  PQclear(r);
  while (PGresult* more = PQgetResult(c)) PQclear(more);
}

}  // namespace sluice::operators::postgres
