#include "operators/mysql/table_rewrite.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace sluice::operators::mysql {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Column names compare without case, as the server compares them.
const InfoColumn* column(const TableModel& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (iequals(c.name, name)) return &c;
  }
  return nullptr;
}

bool null_default(const InfoColumn& c) { return !c.has_default || iequals(c.default_text, "NULL"); }

int rank(const std::string& data_type, const std::vector<std::string_view>& ladder) {
  for (size_t i = 0; i < ladder.size(); ++i) {
    if (iequals(data_type, ladder[i])) return static_cast<int>(i);
  }
  return -1;
}

// The numbers of a column type's parentheses: "decimal(15,2)" -> {15, 2}.
std::vector<long> type_numbers(const std::string& column_type) {
  std::vector<long> out;
  const size_t open = column_type.find('(');
  if (open == std::string::npos || column_type.compare(0, 4, "enum") == 0 ||
      column_type.compare(0, 3, "set") == 0) {
    return out;
  }
  long n = -1;
  for (size_t i = open + 1; i < column_type.size() && column_type[i] != ')'; ++i) {
    const char ch = column_type[i];
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      n = (n < 0 ? 0 : n * 10) + (ch - '0');
    } else if (n >= 0) {
      out.push_back(n);
      n = -1;
    }
  }
  if (n >= 0) out.push_back(n);
  return out;
}

bool is_unsigned(const std::string& column_type) {
  return column_type.find("unsigned") != std::string::npos;
}

// ENUM and SET keep their values when labels are only appended.
bool labels_appended(const InfoColumn& a, const InfoColumn& b) {
  const std::string& x = a.column_type;
  const std::string& y = b.column_type;
  return !x.empty() && x.back() == ')' && y.size() > x.size() &&
         y.compare(0, x.size() - 1, x, 0, x.size() - 1) == 0 && y[x.size() - 1] == ',';
}

// Text converted to another character set keeps every character when the new one holds them
// all: any Unicode set, or utf8mb3 after ascii or latin1.
bool charset_kept(const InfoColumn& a, const InfoColumn& b) {
  if (a.charset == b.charset || a.charset.empty() || b.charset.empty()) return true;  // unknown
  if (iequals(a.charset, "utf8") && iequals(b.charset, "utf8mb3")) return true;       // one set
  if (iequals(a.charset, "utf8mb3") && iequals(b.charset, "utf8")) return true;
  for (std::string_view u : {"utf8mb4", "utf16", "utf16le", "utf32"}) {
    if (iequals(b.charset, u)) return true;
  }
  const bool mb3 = iequals(b.charset, "utf8mb3") || iequals(b.charset, "utf8");
  return mb3 && (iequals(a.charset, "ascii") || iequals(a.charset, "latin1") ||
                 iequals(a.charset, "utf8mb3") || iequals(a.charset, "utf8"));
}

}  // namespace

bool column_widened(const InfoColumn& a, const InfoColumn& b) {
  if (!charset_kept(a, b)) return false;
  if (a.column_type == b.column_type && a.is_json == b.is_json) return true;
  if (is_unsigned(a.column_type) != is_unsigned(b.column_type)) return false;
  static const std::vector<std::string_view> ints = {"tinyint", "smallint", "mediumint", "int",
                                                     "bigint"};
  static const std::vector<std::string_view> texts = {"varchar", "text", "mediumtext", "longtext"};
  static const std::vector<std::string_view> blobs = {"varbinary", "blob", "mediumblob",
                                                      "longblob"};
  for (const auto* ladder : {&ints, &texts, &blobs}) {
    const int ra = rank(a.data_type, *ladder), rb = rank(b.data_type, *ladder);
    if (ra < 0 || rb < 0) continue;
    if (ladder == &ints) return rb >= ra;  // the display width is no part of a value
    if (ra != rb) return rb > ra;
  }
  if (!iequals(a.data_type, b.data_type) || a.is_json != b.is_json) return false;
  if (iequals(a.data_type, "enum") || iequals(a.data_type, "set")) return labels_appended(a, b);
  // BINARY(n) pads with zero bytes: another length changes every value.
  if (iequals(a.data_type, "binary")) return false;
  // Lengths, precisions and fractional digits may grow ("datetime" is "datetime(0)").
  auto na = type_numbers(a.column_type), nb = type_numbers(b.column_type);
  na.resize(std::max(na.size(), nb.size()), 0);
  nb.resize(na.size(), 0);
  for (size_t i = 0; i < na.size(); ++i) {
    if (nb[i] < na[i]) return false;
  }
  // DECIMAL(p,s): another scale rounds or pads every value.
  return !iequals(a.data_type, "decimal") || na.size() < 2 || na[1] == nb[1];
}

std::string rewritten_columns(const TableModel& before, const TableModel& after) {
  std::string gone;
  for (const auto& c : before.columns) {
    if (column(after, c.name) == nullptr) gone += (gone.empty() ? "" : ", ") + c.name;
  }
  std::string out;
  auto add = [&](const std::string& what) { out += (out.empty() ? "" : "; ") + what; };
  for (const auto& c : after.columns) {
    const InfoColumn* b = column(before, c.name);
    if (b == nullptr) {
      if (!gone.empty()) {
        add("column " + c.name + " took the place of " + gone);
      } else if (c.extra.find("GENERATED") != std::string::npos) {
        add("column " + c.name + " added, generated");
      } else if (!c.nullable) {
        add("column " + c.name + " added NOT NULL");
      } else if (!null_default(c)) {
        add("column " + c.name + " added with DEFAULT " + c.default_text);
      }
    } else if (b->nullable && !c.nullable) {
      add("column " + c.name + " became NOT NULL");
    } else if (!column_widened(*b, c)) {
      const bool same_type = b->column_type == c.column_type;
      add("column " + c.name + (same_type ? " converted from " : " changed from ") +
          (same_type ? b->charset : b->column_type) + " to " +
          (same_type ? c.charset : c.column_type));
    }
  }
  return out;
}

}  // namespace sluice::operators::mysql
