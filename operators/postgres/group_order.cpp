#include "operators/postgres/group_order.h"

#include <algorithm>

namespace sluice::operators::postgres {

namespace {

// Whether table `a`'s foreign keys refer to `b`.
bool refers(const TableInfo& a, const TableInfo& b) {
  return std::find(a.refers_to.begin(), a.refers_to.end(), b.quoted) != a.refers_to.end();
}

// The groups' indexes, a group after the groups whose tables its table refers to (first
// appearance otherwise; a cycle is taken as it comes).
std::vector<size_t> referred_first(const std::vector<WriteGroup>& groups) {
  std::vector<size_t> order;
  std::vector<bool> placed(groups.size(), false);
  while (order.size() < groups.size()) {
    size_t pick = groups.size();
    for (size_t i = 0; i < groups.size() && pick == groups.size(); ++i) {
      if (placed[i]) continue;
      bool waits = false;
      for (size_t j = 0; j < groups.size() && !waits; ++j) {
        waits = !placed[j] && j != i && refers(*groups[i].table, *groups[j].table);
      }
      if (!waits) pick = i;
    }
    if (pick == groups.size()) {  // a cycle: the first one left
      pick = 0;
      while (placed[pick]) ++pick;
    }
    placed[pick] = true;
    order.push_back(pick);
  }
  return order;
}

}  // namespace

void order_by_foreign_keys(std::vector<WriteGroup>& groups) {
  bool related = false;
  for (const auto& a : groups) {
    if (a.full_identity) return;  // applied in event order within the table: kept as it is
    for (const auto& b : groups) related = related || (&a != &b && refers(*a.table, *b.table));
  }
  if (!related) return;
  const std::vector<size_t> order = referred_first(groups);
  std::vector<WriteGroup> upserts, deletes;
  for (size_t i : order) {
    WriteGroup& g = groups[i];
    WriteGroup del = g.same_columns();
    del.events = g.events;
    del.event_at = g.event_at;
    std::vector<WriteItem> keep;
    for (auto& it : g.items) (it.is_delete ? del.items : keep).push_back(it);
    g.items = std::move(keep);
    if (!g.items.empty()) upserts.push_back(std::move(g));
    if (!del.items.empty()) deletes.push_back(std::move(del));
  }
  groups = std::move(upserts);
  for (auto it = deletes.rbegin(); it != deletes.rend(); ++it) groups.push_back(std::move(*it));
}

}  // namespace sluice::operators::postgres
