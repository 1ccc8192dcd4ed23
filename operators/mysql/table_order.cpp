#include "operators/mysql/table_order.h"

#include <functional>
#include <queue>
#include <unordered_map>

namespace sluice::operators::mysql {

void order_by_foreign_keys(std::vector<SnapshotTable>& tables,
                           const std::vector<ForeignKeyEdge>& edges) {
  const size_t n = tables.size();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index.emplace(tables[i].db + "." + tables[i].table, i);
  std::vector<std::vector<size_t>> referrers(n), referred(n);
  std::vector<size_t> waiting(n, 0);  // tables this one refers to, not yet placed
  for (const auto& [from, to] : edges) {
    auto a = index.find(from), b = index.find(to);
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    referrers[b->second].push_back(a->second);
    referred[a->second].push_back(b->second);
    waiting[a->second]++;
  }
  // Kahn's algorithm, the smallest index (name order) first.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < n; ++i) {
    if (waiting[i] == 0) ready.push(i);
  }
  std::vector<bool> placed(n, false);
  std::vector<SnapshotTable> out;
  out.reserve(n);
  size_t next_unplaced = 0;
  while (out.size() < n) {
    if (ready.empty()) {
      // Only cycles (and the tables that wait on them) are left: from the first unplaced table
      // follow what it refers to until a table repeats; that one is on a cycle and goes next.
      while (placed[next_unplaced]) ++next_unplaced;
      std::vector<bool> seen(n, false);
      size_t at = next_unplaced;
      while (!seen[at]) {
        seen[at] = true;
        for (size_t p : referred[at]) {
          if (!placed[p]) {
            at = p;
            break;
          }
        }
      }
      waiting[at] = 0;
      ready.push(at);
    }
    const size_t i = ready.top();
    ready.pop();
    if (placed[i]) continue;
    placed[i] = true;
    out.push_back(std::move(tables[i]));
    for (size_t r : referrers[i]) {
      if (!placed[r] && waiting[r] > 0 && --waiting[r] == 0) ready.push(r);
    }
  }
  tables = std::move(out);
}

result<std::vector<ForeignKeyEdge>> foreign_key_edges(Connection& c) {
  auto rows = c.query(
      "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME "
      "FROM information_schema.REFERENTIAL_CONSTRAINTS");
  if (!rows.ok()) return rows.err();
  std::vector<ForeignKeyEdge> edges;
  for (const auto& r : *rows) {
    const std::string db = r[0].value_or("");
    edges.emplace_back(db + "." + r[1].value_or(""), r[2].value_or(db) + "." + r[3].value_or(""));
  }
  return edges;
}

}  // namespace sluice::operators::mysql
