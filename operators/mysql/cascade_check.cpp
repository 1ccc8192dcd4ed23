#include "operators/mysql/cascade_check.h"

namespace sluice::operators::mysql {

result<std::vector<std::string>> cascade_warnings(Connection& c, const TableFilter& filter) {
  auto rows = c.query(
      "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, "
      "DELETE_RULE, UPDATE_RULE, UNIQUE_CONSTRAINT_SCHEMA FROM "
      "information_schema.REFERENTIAL_CONSTRAINTS WHERE "
      "DELETE_RULE NOT IN ('RESTRICT', 'NO ACTION') OR UPDATE_RULE NOT IN ('RESTRICT', 'NO "
      "ACTION') ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME");
  if (!rows.ok()) return rows.err();
  std::vector<std::string> out;
  for (const auto& r : *rows) {
    const std::string db = r[0].value_or(""), table = r[1].value_or("");
    if (!filter.matches(db, table)) continue;
    std::string actions;
    for (auto [rule, what] :
         {std::pair{r[4].value_or(""), "DELETE"}, {r[5].value_or(""), "UPDATE"}}) {
      if (rule == "RESTRICT" || rule == "NO ACTION") continue;
      actions += std::string(actions.empty() ? "" : " ") + "ON " + what + " " + rule;
    }
    out.push_back("table " + db + "." + table + ": foreign key " + r[2].value_or("") + " (" +
                  actions + ") to " + r[6].value_or(db) + "." + r[3].value_or("") +
                  ": the server writes no binlog rows for what that action changes, so the "
                  "target keeps the rows this table loses or changes by it; give the target the "
                  "same foreign key, or change the rows by statements instead");
  }
  return out;
}

}  // namespace sluice::operators::mysql
