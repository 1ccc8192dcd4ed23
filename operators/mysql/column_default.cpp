#include "operators/mysql/column_default.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "operators/mysql/default_formats.h"
#include "operators/mysql/schema_loader.h"

namespace sluice::operators::mysql {
namespace {

using DKind = DefaultSpec::Kind;

bool default_is_int_type(const std::string& t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint" ||
         t == "year";
}

// A literal (or NOW) starting here, if any; a sign before a number is taken in.
std::optional<DefaultSpec> default_literal(DdlCursor& c) {
  const Token& t = c.peek();
  if ((c.is_punct('-') || c.is_punct('+')) && c.peek(1).kind == TokenKind::Number) {
    const bool minus = c.is_punct('-');
    c.next();
    return DefaultSpec{DKind::Number, (minus ? "-" : "") + c.next().text};
  }
  switch (t.kind) {
    case TokenKind::String:
      return DefaultSpec{DKind::String, c.next().text};
    case TokenKind::Number:
      return DefaultSpec{DKind::Number, c.next().text};
    case TokenKind::Hex:
      return DefaultSpec{DKind::Hex, c.next().text};
    case TokenKind::Bits:
      return DefaultSpec{DKind::Bits, c.next().text};
    default:
      break;
  }
  if (c.accept("NULL")) return DefaultSpec{DKind::Null, ""};
  if (c.accept("TRUE")) return DefaultSpec{DKind::Number, "1"};
  if (c.accept("FALSE")) return DefaultSpec{DKind::Number, "0"};
  if (c.is_any({"CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP"})) {
    c.next();
    std::string precision;
    if (c.accept_punct('(')) {
      if (c.peek().kind == TokenKind::Number) precision = c.next().text;
      if (!c.accept_punct(')')) return std::nullopt;
    }
    return DefaultSpec{DKind::Now, precision == "0" ? "" : precision};
  }
  return std::nullopt;
}

// ENUM: the declared label matching `v` (case-insensitive) or numbered `v`; SET: the labels
// of a comma list, in declaration order.
std::string default_label(const InfoColumn& c, const DefaultSpec& d) {
  const std::vector<std::string> labels = parse_labels(c.column_type);
  if (d.kind == DKind::Number && c.data_type == "enum") {
    const size_t k = std::strtoul(d.text.c_str(), nullptr, 10);
    return k >= 1 && k <= labels.size() ? labels[k - 1] : "";
  }
  if (c.data_type == "enum") {
    for (const auto& l : labels) {
      if (ddl_iequals(l, d.text)) return l;
    }
    return d.text;
  }
  std::string out;
  for (const auto& l : labels) {
    size_t start = 0;
    bool found = false;
    while (start <= d.text.size() && !found) {
      const size_t comma = std::min(d.text.find(',', start), d.text.size());
      found = ddl_iequals(d.text.substr(start, comma - start), l);
      start = comma + 1;
    }
    if (found) out += (out.empty() ? "" : ",") + l;
  }
  return out;
}

// The value as a number text, for numeric columns.
std::string default_number_text(const DefaultSpec& d) {
  if (d.kind == DKind::Hex) return std::to_string(default_radix_value(d.text, 16));
  if (d.kind == DKind::Bits) return std::to_string(default_radix_value(d.text, 2));
  return d.text;
}

// The bytes of a string value (X'41' is "A").
std::string default_bytes(const DefaultSpec& d) {
  if (d.kind != DKind::Hex && d.kind != DKind::Bits) return d.text;
  if (d.kind == DKind::Bits) {
    uint64_t v = default_radix_value(d.text, 2);
    std::string out;
    for (; v != 0; v >>= 8) out.insert(out.begin(), static_cast<char>(v & 0xff));
    return out;
  }
  std::string out;
  const std::string hex = d.text.size() % 2 != 0 ? "0" + d.text : d.text;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::strtoul(hex.substr(i, 2).c_str(), nullptr, 16)));
  }
  return out;
}

std::string default_temporal(const InfoColumn& c, const std::string& v) {
  const std::vector<int> args = column_type_args(c.column_type);
  const int frac = args.empty() ? 0 : args[0];
  if (c.data_type == "date") return quote_default_string(default_date(v));
  if (c.data_type == "time") return quote_default_string(default_time(v, frac));
  return quote_default_string(default_datetime(v, frac));
}

std::string default_numeric(const InfoColumn& c, const DefaultSpec& d) {
  const std::string& t = c.data_type;
  const std::string n = default_number_text(d);
  const std::vector<int> args = column_type_args(c.column_type);
  if (default_is_int_type(t)) {
    std::string v = default_fixed(n, 0);
    const bool zerofill = c.column_type.find("zerofill") != std::string::npos;
    const size_t width = args.empty() ? 0 : static_cast<size_t>(args[0]);
    if (zerofill && v.size() < width) v.insert(0, width - v.size(), '0');
    return v;
  }
  if (t == "decimal") return default_fixed(n, args.size() > 1 ? args[1] : 0);
  if (args.size() > 1) return default_fixed(n, args[1]);  // float(7,2), double(6,2)
  return default_float(n, t == "float");
}

}  // namespace

result<DefaultSpec> parse_default_value(DdlCursor& c) {
  if (auto lit = default_literal(c)) return *lit;
  const size_t start = c.pos();
  if (c.is_punct('(')) {
    c.next();
    auto inner = default_literal(c);
    if (inner && c.accept_punct(')')) return *inner;
    c.seek(start);
    c.skip_parens();
    const std::string all = c.text(start, c.pos());
    return DefaultSpec{DKind::Expr, all.substr(1, all.size() - 2)};
  }
  if (c.peek().kind != TokenKind::Word) return c.unexpected("a default value");
  c.next();
  c.skip_parens();  // a function: uuid(), curdate(), nextval(s)
  return DefaultSpec{DKind::Expr, c.text(start, c.pos())};
}

std::string format_default(const InfoColumn& c, const DefaultSpec& d) {
  const std::string& t = c.data_type;
  switch (d.kind) {
    case DKind::Null:
      return "NULL";
    case DKind::Expr:
      return d.text;
    case DKind::Now:
      return "current_timestamp(" + d.text + ")";
    default:
      break;
  }
  if (t == "bit") {
    return default_bits(d.kind == DKind::Bits
                            ? default_radix_value(d.text, 2)
                            : std::strtoull(default_number_text(d).c_str(), nullptr, 10));
  }
  if (default_is_int_type(t) || t == "decimal" || t == "float" || t == "double") {
    return default_numeric(c, d);
  }
  if (t == "date" || t == "time" || t == "datetime" || t == "timestamp") {
    return default_temporal(c, default_bytes(d));
  }
  if (t == "enum" || t == "set") return quote_default_string(default_label(c, d));
  std::string v = default_bytes(d);
  if (t == "char") {
    while (!v.empty() && v.back() == ' ') v.pop_back();
  }
  return quote_default_string(v);
}

std::string quote_default_string(const std::string& s) {
  // The escapes of MySQL's string literals (its "Special Character Escape Sequences").
  static constexpr std::pair<char, std::string_view> kEscapes[] = {
      {'\'', "''"}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\0', "\\0"}, {'\032', "\\Z"}};
  std::string out = "'";
  for (char ch : s) {
    auto esc = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                            [ch](const auto& e) { return e.first == ch; });
    if (esc == std::end(kEscapes)) {
      out.push_back(ch);
    } else {
      out += esc->second;
    }
  }
  return out + "'";
}

}  // namespace sluice::operators::mysql
