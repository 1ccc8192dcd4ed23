#include "operators/postgres/copy_encoder.h"

#include <charconv>

#include "base/json.h"
#include "base/temporal.h"

namespace sluice::operators::postgres {
namespace {

void append_array_element(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

template <class T>
void append_number(T v, std::string& out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void append_copy_escaped(std::string_view s, std::string& out) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    char e = 0;
    switch (c) {
      case '\\':
        e = '\\';
        break;
      case '\n':
        e = 'n';
        break;
      case '\r':
        e = 'r';
        break;
      case '\t':
        e = 't';
        break;
      default:
        continue;
    }
    out.append(s.data() + start, i - start);
    out.push_back('\\');
    out.push_back(e);
    start = i + 1;
  }
  out.append(s.data() + start, s.size() - start);
}

std::string pg_text(const Value& v, ColKind kind) {
  std::string out;
  switch (v.type()) {
    case Type::Null:
      return out;
    case Type::Bool:
      return is_json(kind) ? (v.as_bool() ? "true" : "false") : (v.as_bool() ? "t" : "f");
    case Type::Int:
      append_number(v.as_int(), out);
      return out;
    case Type::UInt:
      append_number(v.as_uint(), out);
      return out;
    case Type::Float:
      format_float(v.as_float(), out);
      return out;
    case Type::Decimal:
      return v.as_decimal().to_string();
    default:
      break;
  }
  if (kind == ColKind::Json || (kind == ColKind::JsonText && v.type() != Type::String)) {
    return json::encode(v);
  }
  switch (v.type()) {
    case Type::String:
      if (kind == ColKind::Bytea) break;
      return v.as_string();
    case Type::Bytes:
      if (kind == ColKind::Bytea) break;
      return v.as_string();
    case Type::Date:
      return temporal::format_date(v.as_date());
    case Type::Time:
      return temporal::format_time(v.as_micros());
    case Type::DateTime:
      return temporal::format_datetime(v.as_micros());
    case Type::Timestamp:
      return temporal::format_datetime(v.as_micros()) + "Z";
    case Type::List:
      if (kind == ColKind::TextArray) {
        out.push_back('{');
        bool first = true;
        for (const Value& e : v.as_list()) {
          if (!first) out.push_back(',');
          first = false;
          if (e.is_null()) {
            out += "NULL";
          } else {
            append_array_element(
                e.type() == Type::String ? e.as_string() : pg_text(e, ColKind::Plain), out);
          }
        }
        out.push_back('}');
        return out;
      }
      return json::encode(v);
    case Type::Object:
      return json::encode(v);
    default:
      return v.to_display();
  }
  // bytea hex
  static const char* hex = "0123456789abcdef";
  const std::string& b = v.as_string();
  out.reserve(2 + b.size() * 2);
  out += "\\x";
  for (unsigned char c : b) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

void append_copy_value(const Value& v, ColKind kind, std::string& out) {
  switch (v.type()) {
    case Type::Null:
      out += "\\N";
      return;
    case Type::Int:
      if (kind != ColKind::Bool) {
        append_number(v.as_int(), out);
        return;
      }
      break;
    case Type::UInt:
      append_number(v.as_uint(), out);
      return;
    case Type::Decimal:
      out += v.as_decimal().to_string();
      return;
    case Type::Bool:
      out += is_json(kind) ? (v.as_bool() ? "true" : "false") : (v.as_bool() ? "t" : "f");
      return;
    case Type::String:
      if (kind == ColKind::Plain || kind == ColKind::JsonText) {
        append_copy_escaped(v.as_string(), out);
        return;
      }
      break;
    // Dates and times never need escaping: straight into the buffer.
    case Type::Date:
      if (!is_json(kind)) {
        temporal::append_date(v.as_date(), out);
        return;
      }
      break;
    case Type::DateTime:
    case Type::Timestamp:
      if (!is_json(kind)) {
        temporal::append_datetime(v.as_micros(), out);
        if (v.type() == Type::Timestamp) out.push_back('Z');
        return;
      }
      break;
    default:
      break;
  }
  append_copy_escaped(pg_text(v, kind), out);
}

}  // namespace sluice::operators::postgres
