#include "operators/postgres/batch_planner.h"

#include <charconv>
#include <pqxx/pqxx>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "base/logger.h"
#include "operators/common/stage_options.h"
#include "operators/postgres/copy_encoder.h"
#include "operators/postgres/group_order.h"
#include "operators/postgres/pg_failure.h"
#include "operators/postgres/stable_hash.h"
#include "operators/postgres/target_table.h"

namespace sluice::operators::postgres {

// A field of a group's rows and the column it goes to.
struct FieldPlan {
  std::string name;  // the column: pg_identifier() of the field's name, see column_for()
  Sym sym = 0;
  std::string type;     // planned type for a new column ("" = unknown yet: all nulls)
  bool exists = false;  // the table has the column
};

namespace {

bool same_layout(const Object& row, const std::vector<Sym>& layout) {
  const auto& f = row.fields();
  if (f.size() != layout.size()) return false;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i].name != layout[i]) return false;
  }
  return true;
}

// The source's type of the column `name` as its DDL writes it ("decimal(12,4)"), or "".
std::string source_type(const Event& e, const std::string& name) {
  if (!e.source) return "";
  const auto& names = e.source->column_names;
  const auto& types = e.source->column_types;
  for (size_t i = 0; i < names.size() && i < types.size(); ++i) {
    if (names[i] == name) return types[i];
  }
  return "";
}

std::string source_hint(const Event& e, const std::string& name) {
  return pg_type_for_source(source_type(e, name));
}

// The connection DDL and catalog reads need; NeedsCatalog when planning without one.
pqxx::connection_base& need(pqxx::connection_base* c) {
  if (c == nullptr) throw BatchPlanner::NeedsCatalog{};
  return *c;
}

bool is_meta_name(const std::string& n) {
  return n == "cdc_operation" || n == "cdc_timestamp" || n == "cdc_position" || n == "cdc_deleted";
}

using Columns = std::vector<std::pair<std::string, std::string>>;

// The column of a field named `name` of `row` (sql_text.h, pg_identifier). A name over 63
// bytes keeps the column PostgreSQL cut it to where the table has that one and not its own (an
// earlier version of the sink created it so), unless another field took that column already.
// A name with capitals goes to the table's column of that name in lower case (matching_column).
std::string column_for(const TableInfo& t, const std::string& name, const Object& row,
                       std::unordered_set<std::string>& cut_taken) {
  std::string column = pg_identifier(name);
  if (t.column(column) != nullptr) return column;
  if (column.size() != name.size()) {
    std::string cut = pg_cut_identifier(name);
    if (t.column(cut) != nullptr && cut_taken.insert(cut).second) return cut;
  }
  return matching_column(
      t.columns, [](const ColumnInfo& c) -> const std::string& { return c.name; }, column,
      [&](const std::string& folded) {
        for (const auto& f : row.fields()) {
          if (pg_identifier(sym_name(f.name)) == folded) return true;
        }
        return false;
      });
}

// The fields of a group's rows, in first-appearance order, with a type for new columns (from
// the source's column types, else the first non-null value; "-" for metadata names).
std::vector<FieldPlan> batch_fields(const WriteGroup& g, const TableInfo& t, bool meta) {
  std::vector<FieldPlan> fields;
  std::unordered_set<std::string> cut_taken;
  std::unordered_map<Sym, size_t> field_index;
  // Rows of one table nearly always share one layout: a row with the layout of the previous
  // one adds nothing unless a new column's type is still unknown (all nulls so far).
  std::vector<Sym> layout;
  size_t unresolved = 0;
  for (const Event* e : g.events) {
    for (const Object* row : {&e->row, e->has_before ? &e->before : nullptr}) {
      if (row == nullptr) continue;
      if (unresolved == 0 && same_layout(*row, layout)) continue;
      layout.clear();
      for (const auto& f : row->fields()) {
        layout.push_back(f.name);
        auto [it, fresh] = field_index.emplace(f.name, fields.size());
        if (fresh) {
          fields.push_back({column_for(t, sym_name(f.name), *row, cut_taken), f.name, "", false});
          FieldPlan& nf = fields.back();
          if (meta && is_meta_name(nf.name)) nf.type = "-";
          nf.exists = t.column(nf.name) != nullptr;
          if (nf.type.empty() && !nf.exists) ++unresolved;
        }
        FieldPlan& fp = fields[it->second];
        if (fp.type.empty() && !fp.exists) {
          fp.type = source_hint(*e, sym_name(fp.sym));
          if (fp.type.empty()) fp.type = pg_type_for_value(f.value.type());
          if (!fp.type.empty()) --unresolved;
        }
      }
    }
  }
  return fields;
}

// The metadata columns of the mode (cdc_operation, cdc_timestamp, cdc_position; cdc_deleted).
Columns extra_columns(bool meta, bool soft) {
  Columns extra;
  if (meta) {
    extra.push_back({"cdc_operation", "text"});
    extra.push_back({"cdc_timestamp", "timestamptz"});
    extra.push_back({"cdc_position", "text"});
  }
  if (soft) extra.push_back({"cdc_deleted", "boolean NOT NULL DEFAULT false"});
  return extra;
}

// The columns the table lacks: fields with a known type (a new table's keys as text when all
// null), then the metadata columns.
Columns missing_columns(const TableInfo& t, const std::vector<FieldPlan>& fields,
                        const std::vector<std::string>& keys, const Columns& extra) {
  Columns add;
  for (const auto& f : fields) {
    if (f.type == "-" || t.column(f.name) != nullptr) continue;
    bool is_key = false;
    for (const auto& k : keys) is_key = is_key || k == f.name;
    if (!f.type.empty()) {
      add.push_back({f.name, f.type});
    } else if (is_key && !t.exists) {
      add.push_back({f.name, "text"});
    }
  }
  for (const auto& x : extra) {
    if (t.column(x.first) == nullptr) add.push_back(x);
  }
  return add;
}

// The group's last event with a source table description (it follows the source's DDL), or
// null.
const Event* newest_source(const WriteGroup& g) {
  for (auto it = g.events.rbegin(); it != g.events.rend(); ++it) {
    if ((*it)->source && !(*it)->source->column_types.empty()) return *it;
  }
  return nullptr;
}

// A json or jsonb column whose source column is of a text type (JSON kept in TEXT, as schemas
// older than MySQL 5.7 do): its strings are the documents' text (ColKind::JsonText).
ColKind write_kind(const ColumnInfo& ci, const FieldPlan& f, const Event* newest) {
  if (ci.kind != ColKind::Json || newest == nullptr) return ci.kind;
  return source_hint(*newest, sym_name(f.sym)) == "text" ? ColKind::JsonText : ci.kind;
}

// The columns written: fields the table has, then metadata columns.
void written_columns(WriteGroup& g, const std::vector<FieldPlan>& fields, bool meta, bool soft) {
  const TableInfo& t = *g.table;
  const Event* newest = newest_source(g);
  g.cols.clear();
  for (const auto& f : fields) {
    if (f.type == "-") continue;
    const ColumnInfo* ci = t.column(f.name);
    if (ci == nullptr || ci->generated) continue;  // all-null new field, create_tables = false
    g.cols.push_back(
        {f.name, ci->type, f.sym, WriteColumn::Src::Field, write_kind(*ci, f, newest)});
  }
  auto add_meta = [&](const char* n, WriteColumn::Src src) {
    if (const ColumnInfo* ci = t.column(n)) g.cols.push_back({n, ci->type, 0, src, ci->kind});
  };
  if (meta) {
    add_meta("cdc_operation", WriteColumn::Src::Op);
    add_meta("cdc_timestamp", WriteColumn::Src::Ts);
    add_meta("cdc_position", WriteColumn::Src::Pos);
  }
  if (soft) add_meta("cdc_deleted", WriteColumn::Src::Deleted);
}

// The columns of the key fields: the column a field of the batch went to, else the name's own
// pg_identifier().
std::vector<std::string> key_columns_of(const std::vector<FieldPlan>& fields,
                                        std::vector<std::string> keys) {
  for (auto& k : keys) {
    std::string column = pg_identifier(k);
    for (const auto& f : fields) {
      if (sym_name(f.sym) == k) column = f.name;
    }
    k = std::move(column);
  }
  return keys;
}

// Says which of the columns just added have a name other than their field's (pg_identifier).
void log_shortened(const std::string& stage, const TableInfo& t,
                   const std::vector<FieldPlan>& fields, const Columns& added) {
  for (const auto& f : fields) {
    const std::string& field = sym_name(f.sym);
    if (f.name == field) continue;
    for (const auto& a : added) {
      if (a.first != f.name) continue;
      log::info("postgres", "sink " + stage + ": table " + t.name.display() + ": field " + field +
                                " (" + std::to_string(field.size()) +
                                " bytes; PostgreSQL keeps 63) is written as column " + f.name);
    }
  }
}

// The names of the fields that metadata columns take the place of.
std::string shadowed_fields(const std::vector<FieldPlan>& fields) {
  std::string names;
  for (const auto& f : fields) {
    if (f.type == "-") names += (names.empty() ? "" : ", ") + f.name;
  }
  return names;
}

// The names of the fields whose columns PostgreSQL generates.
std::string generated_fields(const TableInfo& t, const std::vector<FieldPlan>& fields) {
  std::string names;
  for (const auto& f : fields) {
    const ColumnInfo* ci = t.column(f.name);
    if (ci != nullptr && ci->generated) names += (names.empty() ? "" : ", ") + f.name;
  }
  return names;
}

// The table's columns narrower than their source's type (INT to BIGINT, a table made by hand
// with numeric(10,0) for DECIMAL(10,2)): (column, the type that holds both).
Columns widened_columns(const TableInfo& t, const std::vector<FieldPlan>& fields,
                        const Event& newest) {
  Columns widen;
  for (const auto& f : fields) {
    const ColumnInfo* ci = t.column(f.name);
    if (ci == nullptr || ci->generated || f.type == "-") continue;
    std::string to = pg_type_holding(ci->type, source_hint(newest, sym_name(f.sym)));
    if (!to.empty()) widen.push_back({f.name, std::move(to)});
  }
  return widen;
}

// The key the group's source has now, as columns; empty when no event says.
std::vector<std::string> source_key(const WriteGroup& g, const std::vector<FieldPlan>& fields) {
  for (const Event* e : g.events) {
    if (e->source && !e->source->primary_key.empty())
      return key_columns_of(fields, e->source->primary_key);
  }
  return {};
}

// g.key_cols: the written field column of each key; the first key not written ("" = none).
std::string key_columns(WriteGroup& g, const std::vector<std::string>& keys) {
  g.key_cols.clear();
  for (const auto& k : keys) {
    size_t found = g.cols.size();
    for (size_t i = 0; i < g.cols.size(); ++i) {
      if (g.cols[i].name == k && g.cols[i].src == WriteColumn::Src::Field) found = i;
    }
    if (found == g.cols.size()) return k;
    g.key_cols.push_back(found);
  }
  return "";
}

}  // namespace

void BatchPlanner::dead_letter(const Event& e, error_code code, const std::string& message,
                               std::vector<Event>& dead) const {
  Event copy = e;
  mark_dead(copy, opts_.stage, code, "postgres: " + message);
  dead.push_back(std::move(copy));
}

bool BatchPlanner::table_name(const Event& e, std::string& name, std::vector<Event>& dead) const {
  auto target = target_table(opts_, e);
  if (!target.ok()) {
    dead_letter(e, target.err().code, target.err().message, dead);
    return false;
  }
  name = std::move(target).value();
  return true;
}

TableInfo& BatchPlanner::table(pqxx::connection_base* c, const std::string& name) {
  if (TableInfo* t = catalog_.find(name)) return *t;
  return catalog_.get(need(c), name);
}

void BatchPlanner::finish(pqxx::connection_base* c, WriteGroup& g, std::vector<Event>& dead,
                          std::vector<WriteGroup>& out) {
  if (!prepare_table(c, g, dead)) return;
  if (g.full_identity) {
    plan_full_identity(g, dead);
  } else if (opts_.mode == Mode::Append) {
    g.items.reserve(g.events.size());
    for (size_t j = 0; j < g.events.size(); ++j) {
      const Event* e = g.events[j];
      g.items.push_back({e, &e->row, e->op == Op::Delete, g.event_at[j], 0});
    }
    g.direct = true;
  } else {
    collapse(g, dead);
    g.direct = g.table->copy_safe;
    for (const auto& it : g.items) g.direct = g.direct && it.ev->op == Op::Read && !it.is_delete;
  }
  if (!g.items.empty()) out.push_back(std::move(g));
}

std::vector<WriteGroup> BatchPlanner::plan(pqxx::connection_base* c,
                                           const std::vector<const Event*>& evs,
                                           std::vector<Event>& dead) {
  // Groups per table in first-appearance order; a truncate (upsert/soft_delete) closes its
  // table's open group, so the events before it, the truncate and the events after it are
  // applied in that order.
  std::vector<WriteGroup> groups;
  std::unordered_map<std::string, size_t> by_name;
  std::vector<std::pair<size_t, WriteGroup>> truncates;  // (number of groups before it, group)
  std::string name;
  // Consecutive events of one source table share its SourceMeta: when the table expression
  // reads no field, the group of the previous event is the group of this one.
  const SourceMeta* cached_src = nullptr;
  size_t cached_group = 0;
  for (size_t at = 0; at < evs.size(); ++at) {
    const Event* e = evs[at];
    if (cached_src != nullptr && e->source.get() == cached_src && e->op != Op::Truncate) {
      groups[cached_group].events.push_back(e);
      groups[cached_group].event_at.push_back(static_cast<uint32_t>(at));
      continue;
    }
    if (!table_name(*e, name, dead)) continue;
    if (e->op == Op::Truncate && opts_.mode != Mode::Append) {
      cached_src = nullptr;
      by_name.erase(name);
      WriteGroup t;
      t.table = &table(c, name);
      t.events.push_back(e);
      t.event_at.push_back(static_cast<uint32_t>(at));
      t.truncate = true;
      truncates.emplace_back(groups.size(), std::move(t));
      continue;
    }
    // In the source's order, a table's earlier group is closed once another table's came.
    if (order_ == Order::Source && !groups.empty()) {
      auto open = by_name.find(name);
      if (open != by_name.end() && open->second + 1 != groups.size()) by_name.erase(open);
    }
    auto [it, fresh] = by_name.emplace(name, groups.size());
    if (fresh) {
      groups.emplace_back();
      groups.back().table = &table(c, name);
    }
    groups[it->second].events.push_back(e);
    groups[it->second].event_at.push_back(static_cast<uint32_t>(at));
    if (opts_.table_per_source && e->source) {
      cached_src = e->source.get();
      cached_group = it->second;
    }
  }
  std::vector<WriteGroup> out;
  size_t next_truncate = 0;
  for (size_t i = 0; i <= groups.size(); ++i) {
    // A truncate goes after every group opened before it (those of its table hold the events
    // before it; its table's later events are in a group opened after it).
    while (next_truncate < truncates.size() && truncates[next_truncate].first == i) {
      WriteGroup& t = truncates[next_truncate++].second;
      if (!t.table->exists) continue;  // a missing table has no rows
      if (opts_.mode == Mode::SoftDelete && t.table->column("cdc_deleted") == nullptr) {
        if (!opts_.create_tables) {
          dead_letter(*t.events[0], errc::bad_table,
                      "table " + t.table->name.display() + " has no cdc_deleted column", dead);
          continue;
        }
        std::string refused = run_ddl([&] {
          catalog_.add_columns(need(c), *t.table,
                               {{"cdc_deleted", "boolean NOT NULL DEFAULT false"}});
        });
        if (!refused.empty()) {
          dead_letter(
              *t.events[0], errc::schema,
              "table " + t.table->name.display() + ": cannot add column cdc_deleted: " + refused,
              dead);
          continue;
        }
      }
      out.push_back(std::move(t));
    }
    if (i < groups.size()) finish(c, groups[i], dead, out);
  }
  if (order_ == Order::Keys && truncates.empty()) order_by_foreign_keys(out);
  return out;
}

std::vector<std::string> BatchPlanner::key_names(const WriteGroup& g) const {
  if (!opts_.key.empty()) return opts_.key;
  if (!g.table->primary_key.empty()) return g.table->primary_key;
  for (const Event* e : g.events) {
    if (e->source && !e->source->primary_key.empty()) return e->source->primary_key;
    if (e->key.type() == Type::Object && !e->key.as_object().empty()) {
      std::vector<std::string> names;
      for (const auto& f : e->key.as_object().fields()) names.push_back(sym_name(f.name));
      return names;
    }
  }
  return {};
}

bool BatchPlanner::prepare_table(pqxx::connection_base* c, WriteGroup& g,
                                 std::vector<Event>& dead) {
  TableInfo& t = *g.table;
  const bool meta = opts_.metadata_columns || opts_.mode == Mode::Append;
  const bool soft = opts_.mode == Mode::SoftDelete;
  auto fail_all = [&](errc code, const std::string& msg) {
    for (const Event* e : g.events) dead_letter(*e, code, msg, dead);
    return false;
  };
  std::vector<FieldPlan> fields = batch_fields(g, t, meta);
  Columns extra = extra_columns(meta, soft);
  std::vector<std::string> keys = opts_.mode == Mode::Append ? std::vector<std::string>{}
                                                             : key_columns_of(fields, key_names(g));
  g.full_identity = opts_.mode != Mode::Append && keys.empty() && full_identity(g);
  if (opts_.mode != Mode::Append && keys.empty() && !g.full_identity) {
    return fail_all(
        errc::no_key,
        "table " + t.name.display() +
            ": no key columns (set the key option, a record key or a source primary key)");
  }
  Columns add = missing_columns(t, fields, keys, extra);
  std::string ddl_error = create_or_alter(c, t, add, keys);
  if (!ddl_error.empty()) return fail_all(errc::schema, "table " + t.name.display() + ddl_error);
  log_shortened(opts_.stage, t, fields, add);
  ddl_error = widen_types(c, g, fields);
  if (!ddl_error.empty()) return fail_all(errc::schema, "table " + t.name.display() + ddl_error);
  if (opts_.key.empty()) warn_other_key(t, source_key(g, fields));
  if (meta) {
    warn_once(t, "shadowed", shadowed_fields(fields),
              " are not written: the metadata columns of that name hold the change's operation, "
              "time and position. To keep the source's values, rename the fields in a transform "
              "before the sink");
  }
  warn_once(t, "generated", generated_fields(t, fields),
            " are not written: their columns are GENERATED ALWAYS in the table, PostgreSQL "
            "computes them. To keep the source's values, rename the fields in a transform "
            "before the sink or drop the expression (ALTER TABLE ... ALTER COLUMN ... DROP "
            "EXPRESSION)");
  written_columns(g, fields, meta, soft);
  std::string missing_key = key_columns(g, keys);
  if (!missing_key.empty()) {
    return fail_all(errc::no_key, "table " + t.name.display() + ": key column " + missing_key +
                                      " not in the records");
  }
  return true;
}

std::string BatchPlanner::create_or_alter(
    pqxx::connection_base* c, TableInfo& t,
    const std::vector<std::pair<std::string, std::string>>& add,
    const std::vector<std::string>& keys) {
  if (!t.exists) {
    if (!opts_.create_tables) return " does not exist";
    for (const auto& k : keys) {
      bool present = false;
      for (const auto& a : add) present = present || a.first == k;
      if (!present) return ": key column " + k + " missing";
    }
    if (std::string refused = run_ddl([&] { catalog_.create(need(c), t, add, keys); });
        !refused.empty()) {
      return ": cannot create it: " + refused;
    }
  } else if (!add.empty() && opts_.create_tables) {
    if (std::string refused = run_ddl([&] { catalog_.add_columns(need(c), t, add); });
        !refused.empty()) {
      return ": cannot add column " + add[0].first + (add.size() > 1 ? " (and others)" : "") +
             ": " + refused;
    }
  }
  return keys.empty() || t.unique_on(keys) ? "" : add_key(c, t, keys);
}

std::string BatchPlanner::run_ddl(const std::function<void()>& ddl, std::string* sqlstate) {
  try {
    ddl();
  } catch (const pqxx::sql_error& e) {
    // What the server refuses for this table (too many columns, a name or type it rejects,
    // no privilege) refuses its records; a lost connection or a deadlock is tried again.
    PgFailure f = PgFailure::from(e);
    if (f.kind == PgFailure::Kind::Transient) throw;
    if (sqlstate != nullptr) *sqlstate = f.sqlstate;
    return f.describe();
  }
  return "";
}

std::string BatchPlanner::add_key(pqxx::connection_base* c, TableInfo& t,
                                  const std::vector<std::string>& keys) {
  const std::string cols = "(" + quote_ident_list(keys) + ")";
  if (!t.primary_key.empty() || !opts_.create_tables) {
    return ": no primary key or unique index on " + cols +
           ", the key of its changes (INSERT ... ON CONFLICT needs one): add one to the table, "
           "or set the sink's key option to the table's key";
  }
  if (std::string refused = run_ddl([&] { catalog_.add_primary_key(need(c), t, keys); });
      !refused.empty()) {
    return ": cannot add the primary key " + cols + " its changes now carry: " + refused;
  }
  log::info("postgres", "sink " + opts_.stage + ": table " + t.name.display() +
                            " had no primary key; its changes now carry the key " + cols +
                            ": added it as the table's primary key");
  return "";
}

void BatchPlanner::warn_other_key(const TableInfo& t, const std::vector<std::string>& source) {
  if (source.empty() || t.primary_key.empty() || t.unique_on(source)) return;
  const std::string name = t.name.display();
  if (!other_key_logged_.insert(name).second) return;
  log::warn("postgres", "sink " + opts_.stage + ": table " + name + ": its source's key is (" +
                            quote_ident_list(source) + "), the table's primary key is (" +
                            quote_ident_list(t.primary_key) +
                            "): changes are written by the table's key. Where that is no longer "
                            "unique in the source, rows would merge: give the table the "
                            "source's key, or set the sink's key option");
}

void BatchPlanner::warn_once(const TableInfo& t, const char* kind, const std::string& names,
                             const std::string& why) {
  if (names.empty() || !warned_.insert(t.name.display() + '\n' + kind).second) return;
  log::warn("postgres", "sink " + opts_.stage + ": table " + t.name.display() +
                            ": the records' field(s) " + names + why);
}

std::string BatchPlanner::widen_types(pqxx::connection_base* c, const WriteGroup& g,
                                      const std::vector<FieldPlan>& fields) {
  TableInfo& t = *g.table;
  const Event* newest = newest_source(g);
  if (!t.exists || newest == nullptr || newest->source == t.types_checked_for) return "";
  Columns widen = opts_.create_tables ? widened_columns(t, fields, *newest) : Columns{};
  if (!widen.empty()) {
    std::string sqlstate;
    std::string refused = run_ddl([&] { catalog_.alter_types(need(c), t, widen); }, &sqlstate);
    if (sqlstate == kInsufficientPrivilege) {
      // A role that may write the table but not alter it (a DBA's table): the values are
      // written as the columns take them, and warn_rounding names what changes.
      log::warn("postgres", "sink " + opts_.stage + ": table " + t.name.display() +
                                ": cannot widen column " + widen[0].first + " to " +
                                widen[0].second + " (" + refused +
                                "); its owner can (ALTER TABLE ... ALTER COLUMN ... TYPE)");
      widen.clear();
    } else if (!refused.empty()) {
      return ": cannot widen column " + widen[0].first + " to " + widen[0].second + ": " + refused;
    }
    for (const auto& [column, type] : widen) {
      log::info("postgres", "sink " + opts_.stage + ": table " + t.name.display() + ": column " +
                                column + " is now " + type + ", as its source's type");
    }
  }
  warn_rounding(t, fields, *newest);
  t.types_checked_for = newest->source;
  return "";
}

void BatchPlanner::warn_rounding(const TableInfo& t, const std::vector<FieldPlan>& fields,
                                 const Event& newest) {
  for (const auto& f : fields) {
    const ColumnInfo* ci = t.column(f.name);
    if (ci == nullptr || ci->generated || f.type == "-") continue;
    const std::string source = source_type(newest, sym_name(f.sym));
    const std::string hint = pg_type_for_source(source);
    const std::string what = pg_type_rounding(ci->type, hint);
    if (what.empty() || !warned_.insert(t.name.display() + "\nrounds\n" + f.name).second) continue;
    std::string exact = pg_type_holding(ci->type, hint);
    if (exact.empty()) exact = hint;
    log::warn("postgres", "sink " + opts_.stage + ": table " + t.name.display() + ": column " +
                              f.name + " is " + ci->type + ", its source's type " + source +
                              ": PostgreSQL " + what +
                              " without an error, so the table holds other values than the "
                              "source. To keep them exact, make the column " +
                              exact + " (ALTER TABLE ... ALTER COLUMN ... TYPE" +
                              (opts_.create_tables ? ")"
                                                   : "; with create_tables the sink does "
                                                     "this itself for a wider number or "
                                                     "timestamp)"));
  }
}

bool BatchPlanner::full_identity(const WriteGroup& g) {
  for (const Event* e : g.events) {
    const bool keyless = e->source != nullptr && !e->source->column_names.empty() &&
                         e->source->primary_key.empty() && e->key.is_null();
    if (!keyless) return false;
  }
  const std::string name = g.table->name.display();
  if (keyless_logged_.insert(name).second) {
    log::info("postgres", "sink " + opts_.stage + ": table " + name +
                              " has no key: its changes are applied by full row identity (as "
                              "PostgreSQL's REPLICA IDENTITY FULL): a create inserts, an update "
                              "or delete changes one row equal to the before image");
  }
  return true;
}

void BatchPlanner::plan_full_identity(WriteGroup& g, std::vector<Event>& dead) {
  g.items.clear();
  g.items.reserve(g.events.size());
  for (size_t j = 0; j < g.events.size(); ++j) {
    const Event* e = g.events[j];
    if (e->op == Op::Update && !e->has_before) {
      dead_letter(*e, errc::no_key,
                  "table " + g.table->name.display() +
                      " has no key and the update carries no before image (binlog_row_image = "
                      "FULL on the source server) to find the row by",
                  dead);
      continue;
    }
    g.items.push_back({e, &e->row, e->op == Op::Delete, g.event_at[j], 0});
  }
  g.direct = false;
}

bool BatchPlanner::collapse_sorted(WriteGroup& g) {
  // One integer key column, only inserts/snapshot rows, keys strictly increasing (snapshot
  // chunks come in key order): no key repeats, every event is its own row.
  if (g.key_cols.size() != 1) return false;
  const Sym sym = g.cols[g.key_cols[0]].sym;
  int64_t prev = 0;
  for (size_t j = 0; j < g.events.size(); ++j) {
    const Event* e = g.events[j];
    if (e->op != Op::Read && e->op != Op::Create) return false;
    const Value* v = e->row.find(sym);
    if (v == nullptr || v->type() != Type::Int || (j > 0 && v->as_int() <= prev)) return false;
    prev = v->as_int();
  }
  g.items.clear();
  g.items.reserve(g.events.size());
  char buf[24];
  for (size_t j = 0; j < g.events.size(); ++j) {
    const Event* e = g.events[j];
    // The hash of the key text collapse() would build: the decimal digits and '\x1f'.
    auto r = std::to_chars(buf, buf + sizeof buf - 1, e->row.find(sym)->as_int());
    *r.ptr = '\x1f';
    g.items.push_back({e, &e->row, false, g.event_at[j],
                       stable_hash(std::string_view(buf, static_cast<size_t>(r.ptr + 1 - buf)))});
  }
  return true;
}

void BatchPlanner::collapse(WriteGroup& g, std::vector<Event>& dead) {
  if (collapse_sorted(g)) return;
  std::vector<WriteItem> seq;
  std::vector<std::string> seq_keys;
  std::vector<char> superseded;  // a later item has the same key
  seq.reserve(g.events.size());
  seq_keys.reserve(g.events.size());
  superseded.reserve(g.events.size());
  // The latest item of each key, found by the key's 32-bit hash (computed once per item for
  // WriteItem::hash anyway); a different key whose hash is already taken (a batch of 20,000
  // keys has one such pair every ~20 batches) is tracked by its text.
  std::unordered_map<uint32_t, size_t> last;
  std::unordered_map<std::string, size_t> collided;
  last.reserve(g.events.size());
  auto key_text = [&](const Object& row, std::string& out) {
    out.clear();
    for (size_t k : g.key_cols) {
      const Value* v = row.find(g.cols[k].sym);
      if (v == nullptr || v->is_null()) return false;
      out += pg_text(*v, g.cols[k].kind);
      out.push_back('\x1f');
    }
    return true;
  };
  auto add = [&](const Event* e, const Object* row, bool is_delete, uint32_t at,
                 const std::string& key) {
    const uint32_t h = stable_hash(key);
    const size_t idx = seq.size();
    seq.push_back({e, row, is_delete, at, h});
    seq_keys.push_back(key);
    superseded.push_back(0);
    auto [it, fresh] = last.emplace(h, idx);
    if (fresh) return;
    if (seq_keys[it->second] == key) {
      superseded[it->second] = 1;
      it->second = idx;
      return;
    }
    auto [ct, cfresh] = collided.emplace(key, idx);
    if (!cfresh) {
      superseded[ct->second] = 1;
      ct->second = idx;
    }
  };
  std::string key, old_key;
  for (size_t j = 0; j < g.events.size(); ++j) {
    const Event* e = g.events[j];
    const uint32_t at = g.event_at[j];
    if (!key_text(e->row, key)) {
      dead_letter(*e, errc::null_key, "table " + g.table->name.display() + ": null key column",
                  dead);
      continue;
    }
    if (e->op == Op::Update && e->has_before && key_text(e->before, old_key) && old_key != key) {
      add(e, &e->before, true, at, old_key);
    }
    add(e, &e->row, e->op == Op::Delete, at, key);
  }
  g.items.clear();
  g.items.reserve(seq.size());
  for (size_t i = 0; i < seq.size(); ++i) {
    if (!superseded[i]) g.items.push_back(seq[i]);
  }
}

}  // namespace sluice::operators::postgres
