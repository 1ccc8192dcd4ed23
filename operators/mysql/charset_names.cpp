#include "operators/mysql/charset_names.h"

#include <map>

#include "operators/mysql/ddl_cursor.h"

namespace sluice::operators::mysql {

std::string normalize_charset(const std::string& name) {
  std::string s = ddl_lower(name);
  return s == "utf8" ? "utf8mb3" : s;
}

std::string charset_of_collation(const std::string& collation) {
  const std::string s = ddl_lower(collation);
  return normalize_charset(s.substr(0, s.find('_')));
}

int charset_max_bytes(const std::string& charset) {
  static const std::map<std::string, int> kMax = {
      {"utf8mb4", 4}, {"utf8mb3", 3}, {"utf16", 4}, {"utf16le", 4}, {"utf32", 4},
      {"ucs2", 2},    {"big5", 2},    {"cp932", 2}, {"eucjpms", 3}, {"euckr", 2},
      {"gb2312", 2},  {"gbk", 2},     {"sjis", 2},  {"ujis", 3}};
  auto it = kMax.find(charset);
  return it == kMax.end() ? 1 : it->second;
}

}  // namespace sluice::operators::mysql
