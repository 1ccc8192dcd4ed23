// ALTER TABLE for apply_ddl (ddl_apply_parts.h): each comma-separated specification applied
// in order to a copy of the table's model, committed when all of them were understood.
#include <optional>

#include "operators/mysql/charset_names.h"
#include "operators/mysql/column_definition.h"
#include "operators/mysql/ddl_apply_parts.h"

namespace sluice::operators::mysql {
namespace {

struct AlterState {
  TableModel t;
  DdlCharsetSpec charset;                 // [DEFAULT] CHARSET / COLLATE of the table
  std::vector<ColumnDefinition> defined;  // finished again with the final table charset
  std::vector<std::string> json;
  std::optional<DdlTableName> rename;
  bool stop = false;  // the rest (partitioning, ORDER BY) changes no column
};

using AlterStep = result<void>;

// Puts `col` at [FIRST | AFTER x], else at `at` (the index it had; -1: at the end).
AlterStep alter_place(DdlCursor& c, AlterState& s, InfoColumn col, int at) {
  auto& cols = s.t.columns;
  if (at >= 0) cols.erase(cols.begin() + at);
  if (c.accept("FIRST")) {
    at = 0;
  } else if (c.accept("AFTER")) {
    auto after = c.expect_name("a column");
    if (!after.ok()) return after.err();
    const int i = find_model_column(s.t, *after);
    if (i < 0) return error::permanent("no column " + *after);
    at = i + 1;
  }
  cols.insert(at < 0 ? cols.end() : cols.begin() + at, std::move(col));
  return {};
}

// A column definition (ADD / MODIFY / CHANGE) and where it goes; `old` the column it
// replaces (-1 none).
AlterStep alter_define(DdlCursor& c, AlterState& s, int old) {
  auto d = parse_column_definition(c);
  if (!d.ok()) return d.err();
  if (old < 0 && find_model_column(s.t, d->name) >= 0) return error::permanent("column exists");
  if (old >= 0) {
    const std::string was = s.t.columns[static_cast<size_t>(old)].name;
    for (auto& k : s.t.primary_key) {
      if (ddl_iequals(k, was)) k = d->name;
    }
  }
  if (d->primary_key) s.t.primary_key = {d->name};
  InfoColumn col = finish_column(*d, s.charset.resolve(s.t.charset));
  s.defined.push_back(std::move(d).value());
  return alter_place(c, s, std::move(col), old);
}

AlterStep alter_add(DdlCursor& c, AlterState& s) {
  if (c.is_any({"PARTITION", "SYSTEM"})) {
    s.stop = c.is("PARTITION");
    return c.is("PARTITION") ? AlterStep() : c.unexpected("not system versioning");
  }
  if (!c.accept("COLUMN") && at_table_constraint(c)) {
    return parse_table_constraint(c, s.t.primary_key, s.json);
  }
  const bool if_not_exists = c.accept_all({"IF", "NOT", "EXISTS"});
  const bool parens = c.accept_punct('(');
  do {
    if (parens && at_table_constraint(c)) {
      auto r = parse_table_constraint(c, s.t.primary_key, s.json);
      if (!r.ok()) return r;
      continue;
    }
    const size_t start = c.pos();
    auto name = c.expect_name("a column");
    if (!name.ok()) return name.err();
    c.seek(start);
    if (if_not_exists && find_model_column(s.t, *name) >= 0) {
      c.skip_to_comma();
      continue;
    }
    auto r = alter_define(c, s, -1);
    if (!r.ok()) return r;
  } while (parens && c.accept_punct(','));
  return parens ? c.expect_punct(')') : AlterStep();
}

AlterStep alter_drop(DdlCursor& c, AlterState& s) {
  if (c.accept_all({"PRIMARY", "KEY"})) {
    s.t.primary_key.clear();
    return {};
  }
  if (c.is_any({"PARTITION", "SYSTEM"})) {
    s.stop = c.is("PARTITION");
    return c.is("PARTITION") ? AlterStep() : c.unexpected("not system versioning");
  }
  if (c.is_any({"INDEX", "KEY", "FOREIGN", "CONSTRAINT", "CHECK", "PERIOD"})) {
    c.skip_to_comma();
    return {};
  }
  c.accept("COLUMN");
  const bool if_exists = c.accept_all({"IF", "EXISTS"});
  auto name = c.expect_name("a column");
  if (!name.ok()) return name.err();
  if (!c.accept("RESTRICT")) c.accept("CASCADE");
  const int i = find_model_column(s.t, *name);
  if (i < 0) return if_exists ? AlterStep() : error::permanent("no column " + *name);
  auto& pk = s.t.primary_key;
  for (size_t k = pk.size(); k-- > 0;) {
    if (ddl_iequals(pk[k], *name)) pk.erase(pk.begin() + static_cast<long>(k));
  }
  s.t.columns.erase(s.t.columns.begin() + i);
  return {};
}

// MODIFY [COLUMN] [IF EXISTS] def | CHANGE [COLUMN] [IF EXISTS] old def.
AlterStep alter_modify(DdlCursor& c, AlterState& s, bool change) {
  c.accept("COLUMN");
  const bool if_exists = c.accept_all({"IF", "EXISTS"});
  const size_t start = c.pos();
  auto name = c.expect_name("a column");
  if (!name.ok()) return name.err();
  if (!change) c.seek(start);
  const int i = find_model_column(s.t, *name);
  if (i < 0) {
    if (!if_exists) return error::permanent("no column " + *name);
    c.skip_to_comma();
    return {};
  }
  return alter_define(c, s, i);
}

// ALTER [COLUMN] c SET DEFAULT v | DROP DEFAULT | SET [IN]VISIBLE; ALTER INDEX ...
AlterStep alter_alter(DdlCursor& c, AlterState& s) {
  if (c.is_any({"INDEX", "KEY", "CONSTRAINT", "CHECK"})) {
    c.skip_to_comma();
    return {};
  }
  c.accept("COLUMN");
  auto name = c.expect_name("a column");
  if (!name.ok()) return name.err();
  const int i = find_model_column(s.t, *name);
  if (i < 0) return error::permanent("no column " + *name);
  InfoColumn& col = s.t.columns[static_cast<size_t>(i)];
  if (c.accept_all({"DROP", "DEFAULT"})) {
    col.has_default = false;
    col.default_text.clear();
  } else if (c.accept_all({"SET", "DEFAULT"})) {
    auto v = parse_default_value(c);
    if (!v.ok()) return v.err();
    col.has_default = true;
    col.default_text = format_default(col, *v);
  } else if (!c.accept_all({"SET", "VISIBLE"}) && !c.accept_all({"SET", "INVISIBLE"})) {
    return c.unexpected("SET DEFAULT or DROP DEFAULT");
  }
  return {};
}

// RENAME COLUMN a TO b | RENAME INDEX a TO b | RENAME [TO | AS] name.
AlterStep alter_rename(DdlCursor& c, AlterState& s, const std::string& default_db) {
  if (c.accept("INDEX") || c.accept("KEY")) {
    c.skip_to_comma();
    return {};
  }
  if (c.accept("COLUMN")) {
    auto from = c.expect_name("a column");
    if (!from.ok()) return from.err();
    auto to_kw = c.expect("TO");
    if (!to_kw.ok()) return to_kw;
    auto to = c.expect_name("a column");
    if (!to.ok()) return to.err();
    const int i = find_model_column(s.t, *from);
    if (i < 0) return error::permanent("no column " + *from);
    for (auto& k : s.t.primary_key) {
      if (ddl_iequals(k, *from)) k = *to;
    }
    s.t.columns[static_cast<size_t>(i)].name = *to;
    return {};
  }
  if (!c.accept("TO") && !c.accept("AS")) c.accept_punct('=');
  auto name = parse_ddl_table_name(c, default_db);
  if (!name.ok()) return name.err();
  s.rename = *name;
  return {};
}

// CONVERT TO CHARACTER SET x [COLLATE y]: every character column and the table.
AlterStep alter_convert(DdlCursor& c, AlterState& s) {
  if (!c.accept_all({"CHARACTER", "SET"}) && !c.accept("CHARSET")) {
    return c.unexpected("CHARACTER SET");
  }
  DdlCharsetSpec spec;
  auto cs = c.word_value();
  if (!cs) return c.unexpected("a character set");
  spec.charset = normalize_charset(*cs);
  if (c.accept("COLLATE")) c.word_value();
  for (auto& col : s.t.columns) convert_column_charset(col, spec.charset);
  s.charset = spec;
  return {};
}

// Everything else: table options, ALGORITHM / LOCK, FORCE, keys, tablespaces, and the
// partitioning and ORDER BY clauses that end the specifications.
AlterStep alter_other(DdlCursor& c, AlterState& s) {
  if (c.is_any({"PARTITION", "REMOVE", "COALESCE", "REORGANIZE", "EXCHANGE", "TRUNCATE", "ANALYZE",
                "CHECK", "OPTIMIZE", "REBUILD", "REPAIR", "ORDER"})) {
    s.stop = true;
    return {};
  }
  if (c.accept("FORCE")) return {};
  if (c.is_any({"ENABLE", "DISABLE"}) && c.is("KEYS", 1)) {
    c.next();
    c.next();
    return {};
  }
  if (c.is_any({"DISCARD", "IMPORT"}) && c.is("TABLESPACE", 1)) {
    c.next();
    c.next();
    return {};
  }
  if (c.is_any({"WITH", "WITHOUT"}) && c.is("VALIDATION", 1)) {
    c.next();
    c.next();
    return {};
  }
  auto r = parse_table_option(c, s.charset);
  if (!r.ok()) return r.err();
  return *r ? AlterStep() : c.unexpected("an ALTER TABLE specification");
}

AlterStep alter_spec(DdlCursor& c, AlterState& s, const std::string& default_db) {
  if (c.at_end() || c.is_punct(';')) return {};
  if (c.accept("ADD")) return alter_add(c, s);
  if (c.accept("DROP")) return alter_drop(c, s);
  if (c.accept("MODIFY")) return alter_modify(c, s, false);
  if (c.accept("CHANGE")) return alter_modify(c, s, true);
  if (c.accept("ALTER")) return alter_alter(c, s);
  if (c.accept("RENAME")) return alter_rename(c, s, default_db);
  if (c.accept_all({"CONVERT", "TO"})) return alter_convert(c, s);
  return alter_other(c, s);
}

// All the specifications; then the table's charset, the columns defined (with it) and keys.
AlterStep alter_all(DdlCursor& c, AlterState& s, const std::string& default_db) {
  do {
    auto r = alter_spec(c, s, default_db);
    if (!r.ok()) return r;
  } while (!s.stop && c.accept_punct(','));
  if (!s.stop && !c.at_end() && !c.is_punct(';') && !c.is("PARTITION")) {
    return c.unexpected("',' or the end");
  }
  s.t.charset = s.charset.resolve(s.t.charset);
  for (const auto& d : s.defined) {
    const int i = find_model_column(s.t, d.name);
    if (i >= 0) s.t.columns[static_cast<size_t>(i)] = finish_column(d, s.t.charset);
  }
  settle_table(s.t, s.json);
  return {};
}

// ALTER TABLE on a table of an untracked database renaming it into a tracked one.
void alter_untracked(DdlCursor& c, DdlContext& ctx) {
  while (!c.at_end()) {
    if (c.accept("RENAME") && !c.is_any({"COLUMN", "INDEX", "KEY"})) {
      if (!c.accept("TO") && !c.accept("AS")) c.accept_punct('=');
      auto to = parse_ddl_table_name(c, ctx.default_db);
      if (to.ok()) ctx.not_understood(*to);
      return;
    }
    c.is_punct('(') ? c.skip_parens() : static_cast<void>(c.next());
  }
}

}  // namespace

void apply_alter_table(DdlCursor& c, DdlContext& ctx) {
  c.accept_all({"IF", "EXISTS"});
  auto name = parse_ddl_table_name(c, ctx.default_db);
  if (!name.ok()) return;
  if (c.accept("WAIT")) c.next();
  c.accept("NOWAIT");
  if (!ctx.tracked(*name)) {
    alter_untracked(c, ctx);
    return;
  }
  const TableModel* current = ctx.model.find(name->db, name->table);
  if (!current) {
    ctx.not_understood(*name);
    return;
  }
  AlterState s{*current, {}, {}, {}, std::nullopt, false};
  if (!alter_all(c, s, ctx.default_db).ok()) {
    ctx.not_understood(*name);
    return;
  }
  if (!s.rename) {
    ctx.model.put(name->db, name->table, std::move(s.t));
    return;
  }
  ctx.model.erase(name->db, name->table);
  if (ctx.tracked(*s.rename)) ctx.model.put(s.rename->db, s.rename->table, std::move(s.t));
}

}  // namespace sluice::operators::mysql
