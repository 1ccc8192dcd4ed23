#include "operators/mysql/pattern_check.h"

#include "dsl/suggest.h"

namespace sluice::operators::mysql {

result<std::vector<std::string>> unmatched_table_warnings(Connection& c,
                                                          const TableFilter& filter) {
  auto rows = c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN ('BASE "
      "TABLE', 'SYSTEM VERSIONED')");
  if (!rows.ok()) return rows.err();
  std::vector<std::string> names;
  for (const auto& r : *rows) names.push_back(r[0].value_or("") + "." + r[1].value_or(""));
  std::vector<std::string> out;
  for (const auto& p : filter.patterns()) {
    bool any = false;
    for (const auto& n : names) any = any || wildcard_match(p, n);
    if (any) continue;
    out.push_back("'" + p + "' in `tables` matches no table on the server now" +
                  dsl::did_you_mean(p, names) +
                  " (a table created later under that name is captured from its first change)");
  }
  return out;
}

}  // namespace sluice::operators::mysql
