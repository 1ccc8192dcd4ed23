#include "operators/mysql/key_range.h"

namespace sluice::operators::mysql {
namespace {

// c[i] OP v[i] OR (c[i] = v[i] AND (the same from i + 1)), the last column compared with
// `last` (">" or "<="), the others strictly with `strict`.
std::string lexicographic(const std::vector<std::string>& c, const std::vector<std::string>& v,
                          size_t i, const char* strict, const char* last) {
  if (i + 1 == c.size()) return c[i] + " " + last + " " + v[i];
  return "(" + c[i] + " " + strict + " " + v[i] + " OR (" + c[i] + " = " + v[i] + " AND " +
         lexicographic(c, v, i + 1, strict, last) + "))";
}

std::string bound(const std::vector<std::string>& c, std::vector<std::string> v, const char* lead,
                  const char* strict, const char* last) {
  if (c.empty()) return "TRUE";
  v.resize(c.size(), "NULL");  // a shorter key compares as the row constructor did
  if (c.size() == 1) return c[0] + " " + last + " " + v[0];
  // The leading column's own bound is what the range optimizer reads the index from.
  return c[0] + " " + lead + " " + v[0] + " AND " + lexicographic(c, v, 0, strict, last);
}

}  // namespace

std::string key_after(const std::vector<std::string>& columns,
                      const std::vector<std::string>& literals) {
  return bound(columns, literals, ">=", ">", ">");
}

std::string key_upto(const std::vector<std::string>& columns,
                     const std::vector<std::string>& literals) {
  return bound(columns, literals, "<=", "<", "<=");
}

}  // namespace sluice::operators::mysql
