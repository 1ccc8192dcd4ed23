#include "operators/mysql/table_rewrite.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "operators/mysql/charset_names.h"
#include "operators/mysql/ddl_cursor.h"

namespace sluice::operators::mysql {
namespace {

// Column names compare without case, as the server compares them.
const InfoColumn* column(const TableModel& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (ddl_iequals(c.name, name)) return &c;
  }
  return nullptr;
}

bool null_default(const InfoColumn& c) {
  return !c.has_default || ddl_iequals(c.default_text, "NULL");
}

int rank(const std::string& data_type, const std::vector<std::string_view>& ladder) {
  for (size_t i = 0; i < ladder.size(); ++i) {
    if (ddl_iequals(data_type, ladder[i])) return static_cast<int>(i);
  }
  return -1;
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
// all: any Unicode set, or utf8mb3 after ascii or latin1. An unknown one ("") keeps them.
bool charset_kept(const InfoColumn& a, const InfoColumn& b) {
  if (a.charset.empty() || b.charset.empty()) return true;
  const std::string from = normalize_charset(a.charset), to = normalize_charset(b.charset);
  if (from == to || to == "utf8mb4" || to == "utf16" || to == "utf16le" || to == "utf32") {
    return true;
  }
  return to == "utf8mb3" && (from == "ascii" || from == "latin1");
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
  if (!ddl_iequals(a.data_type, b.data_type) || a.is_json != b.is_json) return false;
  if (ddl_iequals(a.data_type, "enum") || ddl_iequals(a.data_type, "set"))
    return labels_appended(a, b);
  // BINARY(n) pads with zero bytes: another length changes every value.
  if (ddl_iequals(a.data_type, "binary")) return false;
  // Lengths, precisions and fractional digits may grow ("datetime" is "datetime(0)").
  auto na = column_type_args(a.column_type), nb = column_type_args(b.column_type);
  na.resize(std::max(na.size(), nb.size()), 0);
  nb.resize(na.size(), 0);
  for (size_t i = 0; i < na.size(); ++i) {
    if (nb[i] < na[i]) return false;
  }
  // DECIMAL(p,s): another scale rounds or pads every value.
  return !ddl_iequals(a.data_type, "decimal") || na.size() < 2 || na[1] == nb[1];
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
