// BinlogStream::Impl's DDL statements: the table model (table_model.h, ddl_apply.h) and the
// schema-change events (schema_change_rows.h), TRUNCATE as truncate events.
#include <mysql.h>
// mysql.h must come first.
#include <mariadb_rpl.h>

#include <algorithm>

#include "base/logger.h"
#include "operators/mysql/binlog_stream_impl.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/ddl_apply.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/schema_change_rows.h"
#include "operators/mysql/table_rewrite.h"

namespace sluice::operators::mysql {

result<void> BinlogStream::Impl::on_ddl(const DdlStatement& d, const std::string& sql,
                                        const std::string& db, const RawEvent& ev) {
  const bool on_database = database_level(d.kind);
  bool captured = false, in_scope = false;  // in_scope: names a captured database
  for (const auto& [name, table] : d.tables) {
    captured |= !on_database && filter.matches(name, table);
    in_scope |= filter.matches_database(name);
  }
  if (d.kind == DdlStatement::Kind::AlterDatabase) in_scope |= filter.matches_database(db);
  if (captured && cfg.schema_changes == SchemaChanges::Fail) {
    return error::fatal(errc::schema, std::string(ddl_kind_name(d.kind)) +
                                          " on a captured table at " + file + ":" +
                                          std::to_string(ev.next_pos) + " (" + sql.substr(0, 200) +
                                          ") and schema_changes = fail: review the change, then "
                                          "restart with schema_changes = follow");
  }
  if (captured) owner.stats_.schema_changes++;
  if (cfg.schema_changes == SchemaChanges::Follow && in_scope) {
    auto r = follow_ddl(d, sql, db, ev, captured);
    if (!r.ok()) return r;
  }
  if (!d.unlogged.empty()) on_unlogged_rows(d, sql, ev);
  if (!rewrites.tables.empty()) on_rewrites(sql, ev);
  return {};
}

result<void> BinlogStream::Impl::follow_ddl(const DdlStatement& d, const std::string& sql,
                                            const std::string& db, const RawEvent& ev,
                                            bool captured) {
  rewrites = {};
  if (d.kind != DdlStatement::Kind::Truncate) {
    const ModelsBefore before = models_before(d);
    auto m = apply_model(sql, db);
    if (!m.ok()) return m;
    find_rewrites(d, before);
  }
  auto r = emit_schema_changes(d, sql, db, ev);
  if (!r.ok()) return r;
  if (!captured) return {};
  if (d.kind == DdlStatement::Kind::Truncate) {
    for (const auto& t : d.tables) emit_truncate(t.first, t.second, ev);
    log::info("mysql", cfg.name + ": TRUNCATE of " + d.tables[0].first + "." + d.tables[0].second +
                           " emitted as a truncate event");
    return {};
  }
  for (const auto& t : d.tables) schema.invalidate(t.first, t.second);
  tables.clear();
  log::info("mysql", cfg.name + ": schema change followed: " + sql.substr(0, 200));
  return {};
}

bool BinlogStream::Impl::truncates_follow(const DdlStatement& d) const {
  if (d.kind == DdlStatement::Kind::Truncate) return true;
  if (rereads(cfg.table_rewrites == TableRewrites::Reread) &&
      std::any_of(rewrites.tables.begin(), rewrites.tables.end(),
                  [](const UnloggedRows::Table& t) { return t.truncate; })) {
    return true;
  }
  if (!rereads(cfg.partition_changes == PartitionChanges::Reread)) return false;
  return std::any_of(d.unlogged.begin(), d.unlogged.end(),
                     [&](const auto& u) { return !u.created && filter.matches(u.db, u.table); });
}

void BinlogStream::Impl::on_unlogged_rows(const DdlStatement& d, const std::string& sql,
                                          const RawEvent& ev) {
  UnloggedRows u;
  u.change = "added or removed rows";
  u.kept = "rows";
  u.option = "partition_changes";
  u.reread = cfg.partition_changes == PartitionChanges::Reread;
  for (const auto& t : d.unlogged) {
    if (!filter.matches(t.db, t.table)) continue;
    u.tables.push_back({t.db, t.table, !t.created});
    u.names += (u.names.empty() ? "" : ", ") + t.db + "." + t.table;
  }
  if (u.tables.empty()) return;
  owner.stats_.partition_changes++;
  reread_or_warn(u, sql, ev);
}

void BinlogStream::Impl::reread_or_warn(const UnloggedRows& u, const std::string& sql,
                                        const RawEvent& ev) {
  const std::string at = file + ":" + std::to_string(ev.next_pos);
  const std::string said = cfg.name + ": " + sql.substr(0, 200) + " at " + at + " " + u.change +
                           " the binlog does not list: " + u.names;
  if (!rereads(u.reread)) {
    log::warn("mysql",
              said + ". The target keeps the " + u.kept +
                  " it had. Read the table(s) again (`sluice snapshot`, a signal row; " + u.option +
                  (u.reread ? " = reread needs snapshot { method = lock_free })" : " = reread)"));
    return;
  }
  const auto truncated = static_cast<size_t>(std::count_if(
      u.tables.begin(), u.tables.end(), [](const UnloggedRows::Table& t) { return t.truncate; }));
  size_t left = truncated;
  for (const auto& t : u.tables) {
    if (t.truncate) emit_truncate(t.db, t.table, ev, --left == 0);
    queue_reread(t.db, t.table, ev);
  }
  log::info("mysql", said + "; read again while streaming goes on" +
                         (truncated > 0 ? ", truncated first where it held other rows" : "") +
                         " (" + u.option + ")");
}

void BinlogStream::Impl::queue_reread(const std::string& db, const std::string& table,
                                      const RawEvent& ev) {
  BinlogStream::Reread r{BinlogPosition(), db, table};
  r.at.file = file;
  r.at.pos = ev.next_pos;
  std::lock_guard<std::mutex> lk(owner.reread_mu_);
  owner.rereads_.push_back(std::move(r));
}

BinlogStream::Impl::ModelsBefore BinlogStream::Impl::models_before(const DdlStatement& d) const {
  ModelsBefore out(d.tables.size());
  for (size_t i = 0; i < d.tables.size(); ++i) {
    const auto& [db, table] = d.tables[i];
    if (!filter.matches(db, table)) continue;
    if (const TableModel* t = model.find(db, table)) out[i] = *t;
  }
  return out;
}

void BinlogStream::Impl::find_rewrites(const DdlStatement& d, const ModelsBefore& before) {
  auto& found = rewrites.tables;
  auto add = [&](const std::string& db, const std::string& table, bool truncate,
                 const std::string& what) {
    found.push_back({db, table, truncate});
    rewrites.names += (rewrites.names.empty() ? "" : "; ") + db + "." + table + " (" + what + ")";
  };
  for (size_t i = 0; i < d.tables.size(); ++i) {
    const std::string& db = d.tables[i].first;      // not a structured binding: clang 14 cannot
    const std::string& table = d.tables[i].second;  // capture one in the lambda below
    if (!filter.matches(db, table) ||
        std::any_of(found.begin(), found.end(),
                    [&](const UnloggedRows::Table& t) { return t.db == db && t.table == table; })) {
      continue;
    }
    const TableModel* after = model.find(db, table);
    if (after == nullptr) continue;  // dropped, or renamed away
    // RENAME TABLE old TO new (ALTER TABLE old RENAME TO new): `new` names old's rows now.
    size_t from = 0;
    for (size_t j = 1; j < d.tables.size() && d.kind == DdlStatement::Kind::Rename; j += 2) {
      if (d.tables[j] == d.tables[i]) from = j;
    }
    if (from > 0) {
      add(db, table, true,
          "it is " + d.tables[from - 1].first + "." + d.tables[from - 1].second +
              " renamed, with that table's rows");
    } else if (d.kind == DdlStatement::Kind::Create) {
      // A CREATE of a table that exists is CREATE OR REPLACE (MariaDB): a new table.
      if (before[i] && !d.if_not_exists)
        add(db, table, true, "CREATE OR REPLACE made it a new table");
    } else if (before[i]) {
      const std::string what = rewritten_columns(*before[i], *after);
      if (!what.empty()) add(db, table, false, what);
    }
  }
}

bool BinlogStream::Impl::rereads(bool option_says_reread) const {
  return option_says_reread && cfg.snapshot_method == SnapshotMethod::LockFree;
}

void BinlogStream::Impl::on_rewrites(const std::string& sql, const RawEvent& ev) {
  owner.stats_.table_rewrites++;
  UnloggedRows u = std::move(rewrites);
  rewrites = {};
  u.change = "changed values of rows";
  u.kept = "values";
  u.option = "table_rewrites";
  u.reread = cfg.table_rewrites == TableRewrites::Reread;
  reread_or_warn(u, sql, ev);
}

result<void> BinlogStream::Impl::seed_model(Connection& conn) {
  auto m = seed_schema_model(conn, filter);
  if (!m.ok()) return m.err();
  model = std::move(m).value();
  model_ready = true;
  model_text = std::make_shared<const std::string>(model.encode());
  return {};
}

result<void> BinlogStream::Impl::apply_model(const std::string& sql, const std::string& db) {
  if (!model_ready) {  // the server did not answer when the stream started
    log::warn("mysql", cfg.name +
                           ": the table model is read from information_schema at the first DDL "
                           "statement: its schema-change event describes the tables as they "
                           "are now");
    auto s = seed_model(meta);
    if (!s.ok()) return s;
  }
  const DdlApplied applied = apply_ddl(model, sql, db);
  for (const auto& [name, table] : applied.unknown) {
    log::warn("mysql", cfg.name + ": the DDL statement at " + file + " (" + sql.substr(0, 200) +
                           ") is not one the table model reads: " + name + "." + table +
                           " is described as information_schema shows it now");
    auto t = load_table_model(meta, name, table);
    if (!t.ok()) return t.err();
    if (*t) {
      model.put(name, table, std::move(**t));
    } else {
      model.erase(name, table);
    }
  }
  model_text = std::make_shared<const std::string>(model.encode());
  return {};
}

result<void> BinlogStream::Impl::emit_schema_changes(const DdlStatement& d, const std::string& sql,
                                                     const std::string& db, const RawEvent& ev) {
  auto rows = schema_change_rows(model, d, sql, db, filter);
  // The DDL's own thread (its QUERY event's), like Debezium's source.thread.
  auto origin = std::make_shared<LogOrigin>(*origin_of(ev));
  origin->thread = static_cast<int64_t>(ByteReader(ev.body, ev.body_len).le(4));
  origin->txn_pos = origin->pos;
  origin->query.clear();  // the statement is the payload's ddl
  for (auto& r : rows) {
    ++rows_in_txn;  // counted like a row for resuming inside the statement (skip_rows)
    if (skip > 0) {
      --skip;
      continue;
    }
    StreamItem it;
    Event& e = it.events.emplace_back();
    e.op = Op::Schema;
    e.source = truncate_meta(r.db, r.table);
    e.row = std::move(r.row);
    e.ts = static_cast<int64_t>(ev.timestamp) * 1000000;
    e.position = position_value(ev.next_pos);
    e.origin = origin;
    e.txn_last = !in_txn && !truncates_follow(d);
    it.position.file = file;
    it.position.pos = ev.next_pos;
    push_item(std::move(it));
  }
  return {};
}

}  // namespace sluice::operators::mysql
