#include "reconcile/table_reconciler.h"

#include <utility>

#include "reconcile/chunk_sides.h"
#include "reconcile/errc.h"
#include "reconcile/mysql_types.h"

namespace sluice::reconcile {
namespace {

namespace my = operators::mysql;

// The key columns first, then the others; keyset chunks need a single integer key.
RowLayout layout_of(const std::string& db, const std::string& table,
                    const my::TableSchema& schema) {
  RowLayout l;
  l.db = db;
  l.table = table;
  for (const auto& k : schema.primary_key) {
    for (const auto& c : schema.columns) {
      if (c.name == k) l.columns.push_back(&c);
    }
  }
  for (const auto& c : schema.columns) {
    bool key = false;
    for (const auto& k : schema.primary_key) key = key || k == c.name;
    if (!key) l.columns.push_back(&c);
  }
  l.key_columns = schema.primary_key.size();
  l.chunked = l.key_columns == 1 && is_integer_type(l.columns[0]->data_type);
  return l;
}

}  // namespace

result<TableDiff> TableReconciler::compare(const std::string& db, const std::string& table,
                                           const my::TableSchema& schema, ReconcileTarget& target) {
  TableDiff diff;
  diff.source = db + "." + table;
  diff.target = target.name();
  if (schema.primary_key.empty())
    return error::permanent(errc::discovery, diff.source + " has no primary key");
  const RowLayout layout = layout_of(db, table, schema);
  for (const auto* c : layout.columns) diff.columns.push_back(c->name);
  auto status = my_.exec("SET time_zone = '+00:00'");
  if (!status.ok()) return status.err();
  if (auto b = target.begin(layout); !b) return b.err();
  std::string lo;  // exclusive lower bound ("" = none)
  while (true) {
    auto last = compare_chunk(layout, target, lo, diff);
    if (!last.ok()) return last.err();
    if (*last) break;
  }
  return diff;
}

std::string TableReconciler::chunk_query(const RowLayout& layout, const std::string& lo) const {
  std::string cols, order;
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    cols += (i ? ", " : "") + my::quote_ident(layout.columns[i]->name);
    if (i < layout.key_columns) order += (i ? ", " : "") + my::quote_ident(layout.columns[i]->name);
  }
  std::string sql = "SELECT " + cols + " FROM " + my::quote_ident(layout.db) + "." +
                    my::quote_ident(layout.table);
  if (layout.chunked && !lo.empty())
    sql += " WHERE " + my::quote_ident(layout.columns[0]->name) + " > " + lo;
  sql += " ORDER BY " + order;
  if (layout.chunked) sql += " LIMIT " + std::to_string(chunk_rows_);
  return sql;
}

result<bool> TableReconciler::compare_chunk(const RowLayout& layout, ReconcileTarget& target,
                                            std::string& lo, TableDiff& diff) {
  auto rows = my_.query(chunk_query(layout, lo));
  if (!rows.ok()) return rows.err();
  ChunkSide src, dst;
  for (const auto& r : *rows) {
    auto d = target.source_row(r);
    if (!d.ok()) return d.err();
    src.add(std::move(d).value());
  }
  const bool last = !layout.chunked || rows->size() < static_cast<size_t>(chunk_rows_);
  std::string hi = (!last && !rows->empty()) ? *rows->back()[0] : "";
  auto t = target.rows({lo, hi}, [&](RowDigest&& d) { dst.add(std::move(d)); });
  if (!t.ok()) return t.err();
  tally_chunk(src, dst, diff);
  lo = std::move(hi);
  return last;
}

}  // namespace sluice::reconcile
