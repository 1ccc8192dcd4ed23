#include "reconcile/repair_events.h"

#include <memory>
#include <string>

#include "engine/actors/clock.h"
#include "operators/mysql/snapshot_reader.h"

namespace sluice::reconcile {
namespace {

namespace my = operators::mysql;

constexpr size_t kRowsPerQuery = 500;

struct RepairContext {
  std::shared_ptr<SourceMeta> meta;
  Value position;
  int64_t now = 0;
  std::vector<const my::ColumnSchema*> key_cols;
  uint64_t zero_dates = 0;
};

RepairContext context_of(const TablePair& pr) {
  RepairContext c;
  c.meta = std::make_shared<SourceMeta>();
  c.meta->connector = "mysql";
  c.meta->name = pr.source_stage;
  c.meta->db = pr.db;
  c.meta->table = pr.table;
  c.meta->primary_key = pr.schema.primary_key;
  for (const auto& col : pr.schema.columns) {
    c.meta->column_names.push_back(col.name);
    c.meta->column_types.push_back(col.column_type);
  }
  Object pos;
  pos.append(intern("reconcile"), Value::boolean(true));
  c.position = Value::object(std::move(pos));
  c.now = engine::wall_clock_us();
  for (const auto& k : pr.schema.primary_key) {
    for (const auto& col : pr.schema.columns) {
      if (col.name == k) c.key_cols.push_back(&col);
    }
  }
  return c;
}

Event event_of(RepairContext& c, Op op) {
  Event e;
  e.op = op;
  e.ts = c.now;
  e.position = c.position;
  e.source = c.meta;
  return e;
}

// SELECT ... WHERE (key columns) IN ((...), ...) for keys [start, start + kRowsPerQuery).
std::string reread_query(my::Connection& conn, const TablePair& pr, const RepairContext& c,
                         const std::vector<std::vector<std::string>>& keys, size_t start) {
  std::string cols, key_list, in;
  for (size_t i = 0; i < pr.schema.columns.size(); ++i)
    cols += (i ? ", " : "") + my::quote_ident(pr.schema.columns[i].name);
  for (size_t i = 0; i < c.key_cols.size(); ++i)
    key_list += (i ? ", " : "") + my::quote_ident(c.key_cols[i]->name);
  for (size_t i = start; i < keys.size() && i < start + kRowsPerQuery; ++i) {
    std::string tuple;
    for (size_t k = 0; k < keys[i].size(); ++k) tuple += (k ? ", " : "") + conn.quote(keys[i][k]);
    in += (i > start ? ", " : "") + std::string("(") + tuple + ")";
  }
  return "SELECT " + cols + " FROM " + my::quote_ident(pr.db) + "." + my::quote_ident(pr.table) +
         " WHERE (" + key_list + ") IN (" + in + ")";
}

result<void> reread(my::Connection& conn, const TablePair& pr, RepairContext& c,
                    const std::vector<std::vector<std::string>>& keys, std::vector<Event>& out) {
  for (size_t start = 0; start < keys.size(); start += kRowsPerQuery) {
    auto rows = conn.query(reread_query(conn, pr, c, keys, start));
    if (!rows.ok()) return rows.err();
    for (const auto& r : *rows) {
      Event e = event_of(c, Op::Read);
      for (size_t i = 0; i < pr.schema.columns.size(); ++i) {
        Value v;
        if (r[i]) {
          auto conv = my::text_to_value(pr.schema.columns[i], *r[i], c.zero_dates);
          if (!conv.ok()) return conv.err();
          v = std::move(conv).value();
        }
        e.row.append(intern(pr.schema.columns[i].name), std::move(v));
      }
      out.push_back(std::move(e));
    }
  }
  return {};
}

result<void> deletes(RepairContext& c, const std::vector<std::vector<std::string>>& keys,
                     std::vector<Event>& out) {
  for (const auto& key : keys) {
    Event e = event_of(c, Op::Delete);
    for (size_t i = 0; i < c.key_cols.size() && i < key.size(); ++i) {
      auto conv = my::text_to_value(*c.key_cols[i], key[i], c.zero_dates);
      if (!conv.ok()) return conv.err();
      e.row.append(intern(c.key_cols[i]->name), std::move(conv).value());
    }
    out.push_back(std::move(e));
  }
  return {};
}

}  // namespace

result<std::vector<Event>> repair_events(my::Connection& conn, const TablePair& pr,
                                         const TableDiff& diff) {
  RepairContext c = context_of(pr);
  std::vector<std::vector<std::string>> keys = diff.missing;
  keys.insert(keys.end(), diff.different.begin(), diff.different.end());
  std::vector<Event> out;
  auto r = reread(conn, pr, c, keys, out);
  if (!r.ok()) return r.err();
  auto d = deletes(c, diff.extra, out);
  if (!d.ok()) return d.err();
  return out;
}

}  // namespace sluice::reconcile
