#include "reconcile/postgres_canonical.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/mysql/geometry_value.h"
#include "reconcile/mysql_types.h"
#include "reconcile/row_digest.h"

namespace sluice::reconcile {
namespace {

std::string binary_text(const std::string& text, bool from_pg) {
  if (!from_pg) return hex_cell(text);
  std::string s = text.rfind("\\x", 0) == 0 ? text.substr(2) : text;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A MySQL BIT(n): MySQL gives its bytes (big-endian), the sink writes the number they make
// (numeric(20)); a column made boolean for a BIT(1) gives t / f.
std::string bit_text(const std::string& text, bool from_pg) {
  if (from_pg) {
    if (text == "t" || text == "true") return "1";
    if (text == "f" || text == "false") return "0";
    return text;
  }
  uint64_t v = 0;
  for (unsigned char c : text) v = v << 8 | c;
  return std::to_string(v);
}

// A spatial value: MySQL gives its stored form (SRID + WKB), the sink writes WKB or EWKB.
bool is_geometry_type(const std::string& t) {
  return t == "geometry" || t == "point" || t == "linestring" || t == "polygon" ||
         t == "multipoint" || t == "multilinestring" || t == "multipolygon" ||
         t == "geometrycollection";
}

// A SET: MySQL gives "x,z", PostgreSQL the text[] the sink writes, "{x,z}" ("{"b c",y}" for a
// label with a space: quoted, backslash escapes).
std::string set_text(const std::string& text, bool from_pg) {
  if (!from_pg || text.size() < 2 || text.front() != '{' || text.back() != '}') return text;
  std::string out;
  bool quoted = false;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '\\' && i + 2 < text.size()) {
      out += text[++i];
    } else if (c == '"') {
      quoted = !quoted;
    } else {
      out += c;
    }
  }
  return out;
}

// A MySQL date or datetime the calendar lacks (0000-00-00, 2024-00-15, 2024-02-30): the source
// reads it as null (docs/mysql.md), so it compares as NULL.
bool calendar_date(const std::string& text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return true;  // not a date's text
  const int y = std::atoi(text.substr(0, 4).c_str());
  const unsigned m = static_cast<unsigned>(std::atoi(text.substr(5, 2).c_str()));
  const unsigned d = static_cast<unsigned>(std::atoi(text.substr(8, 2).c_str()));
  return d >= 1 && d <= temporal::days_in_month(y, m);
}

// "2024-02-29T10:00:00.500000+00" -> "2024-02-29 10:00:00.5".
std::string temporal_text(const std::string& text, bool from_pg) {
  std::string s = text;
  // PostgreSQL has no year 0: MySQL's 0000-01-01 is its 0001-01-01 BC (the year before 1 AD).
  if (from_pg && s.size() >= 13 && s.compare(s.size() - 3, 3, " BC") == 0 && s[4] == '-') {
    s.resize(s.size() - 3);
    const int year = 1 - std::atoi(s.substr(0, 4).c_str());
    char y[16];
    std::snprintf(y, sizeof y, "%04d", year);
    s = y + s.substr(4);
  }
  if (from_pg) {
    for (const char* suffix : {"+00:00", "+00"}) {
      const std::string sx = suffix;
      if (s.size() > sx.size() && s.compare(s.size() - sx.size(), sx.size(), sx) == 0) {
        s.resize(s.size() - sx.size());
        break;
      }
    }
  }
  for (char& c : s) {
    if (c == 'T') c = ' ';
  }
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string float_text(const std::string& text) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", std::strtod(text.c_str(), nullptr));
  return buf;
}

// "10.500" -> "10.5", "-0.00" -> "0".
std::string numeric_text(const std::string& text) {
  std::string s = text;
  if (s.find('.') != std::string::npos && s.find_first_of("eE") == std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// "2024-02-29T10:00:00.500000Z" and "2024-02-29 10:00:00.5+00" -> "2024-02-29 10:00:00.5".
std::string zoned_text(const std::string& text) {
  std::string s = text;
  for (const char* suffix : {"Z", "+00:00", "+00"}) {
    const std::string sx = suffix;
    if (s.size() > sx.size() && s.compare(s.size() - sx.size(), sx.size(), sx) == 0) {
      s.resize(s.size() - sx.size());
      break;
    }
  }
  return temporal_text(s, false);
}

// A JSON value with every object's fields sorted by name.
Value sorted_json(const Value& v) {
  if (v.type() == Type::List) {
    List out;
    for (const Value& e : v.as_list()) out.push_back(sorted_json(e));
    return Value::list(std::move(out));
  }
  if (v.type() != Type::Object) return v;
  std::vector<const Field*> fields;
  for (const Field& f : v.as_object().fields()) fields.push_back(&f);
  std::stable_sort(fields.begin(), fields.end(), [](const Field* a, const Field* b) {
    return sym_name(a->name) < sym_name(b->name);
  });
  Object out;
  for (const Field* f : fields) out.append(f->name, sorted_json(f->value));
  return Value::object(std::move(out));
}

}  // namespace

std::string postgres_column_canonical(const std::string& t, const std::string& text) {
  if (t == "bytea") return binary_text(text, true);
  if (t == "json" || t == "jsonb") {
    auto v = json::parse(text);
    return v.ok() ? json::encode(sorted_json(*v)) : text;
  }
  if (t == "double precision" || t == "real") return float_text(text);
  if (starts_with(t, "numeric")) return numeric_text(text);
  if (starts_with(t, "timestamp")) return zoned_text(text);
  return text;
}

std::string postgres_canonical(const std::string& t, const std::string& text, bool from_pg) {
  if (t == "bit") return bit_text(text, from_pg);
  if (t == "set") return set_text(text, from_pg);
  if (is_geometry_type(t)) {
    return binary_text(from_pg ? text : operators::mysql::geometry_bytes(text), from_pg);
  }
  if (!from_pg && (t == "date" || t == "datetime" || t == "timestamp") && !calendar_date(text)) {
    return std::string(kNullCell);
  }
  if (is_binary_type(t)) return binary_text(text, from_pg);
  if (is_integer_type(t) || t == "year") {
    if (from_pg && (text == "t" || text == "true")) return "1";
    if (from_pg && (text == "f" || text == "false")) return "0";
    return text;
  }
  if (t == "float" || t == "double" || t == "real") {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", std::strtod(text.c_str(), nullptr));
    return buf;
  }
  if (t == "datetime" || t == "timestamp" || t == "time" || t == "date") {
    return temporal_text(text, from_pg);
  }
  if (t == "json") {  // keys sorted as jsonb sorts them (MariaDB keeps the text's order)
    auto v = json::parse(text);
    return v.ok() ? json::encode(sorted_json(*v)) : text;
  }
  return text;
}

}  // namespace sluice::reconcile
