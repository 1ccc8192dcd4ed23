#include "operators/mysql/ddl_apply.h"

#include "operators/mysql/charset_names.h"
#include "operators/mysql/ddl_apply_parts.h"

namespace sluice::operators::mysql {
namespace {

// [DEFAULT] CHARACTER SET [=] x | [DEFAULT] COLLATE [=] y | COMMENT [=] '..' of a database.
DdlCharsetSpec database_options(DdlCursor& c) {
  DdlCharsetSpec spec;
  while (!c.at_end() && !c.is_punct(';')) {
    auto r = parse_table_option(c, spec);
    if (!r.ok() || !*r) break;
  }
  return spec;
}

void apply_create_database(DdlCursor& c, DdlContext& ctx, bool or_replace) {
  const bool if_not_exists = c.accept_all({"IF", "NOT", "EXISTS"});
  auto db = c.name();
  if (!db || (if_not_exists && ctx.model.has_database(*db))) return;
  const DdlCharsetSpec spec = database_options(c);
  if (or_replace) ctx.model.drop_database(*db);
  ctx.model.put_database(*db, spec.resolve(ctx.model.server_charset()));
}

void apply_alter_database(DdlCursor& c, DdlContext& ctx) {
  std::string db = ctx.default_db;
  if (!c.is_any({"DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "COMMENT"})) {
    auto n = c.name();
    if (!n) return;
    db = *n;
  }
  if (!ctx.model.has_database(db)) return;
  const DdlCharsetSpec spec = database_options(c);
  if (spec.given()) ctx.model.put_database(db, spec.resolve(""));
}

// RENAME TABLE a TO b [, c TO d]: in order (a swap goes through a third name).
void apply_rename_tables(DdlCursor& c, DdlContext& ctx) {
  c.accept_all({"IF", "EXISTS"});
  do {
    auto from = parse_ddl_table_name(c, ctx.default_db);
    if (!from.ok()) return;
    if (c.accept("WAIT")) c.next();
    c.accept("NOWAIT");
    if (!c.accept("TO")) return;
    auto to = parse_ddl_table_name(c, ctx.default_db);
    if (!to.ok()) return;
    const TableModel* t = ctx.model.find(from->db, from->table);
    if (t && ctx.tracked(*to)) {
      TableModel moved = *t;
      ctx.model.erase(from->db, from->table);
      ctx.model.put(to->db, to->table, std::move(moved));
    } else if (t) {
      ctx.model.erase(from->db, from->table);
    } else {
      ctx.not_understood(*to);
    }
  } while (c.accept_punct(','));
}

void apply_drop_tables(DdlCursor& c, DdlContext& ctx) {
  c.accept_all({"IF", "EXISTS"});
  do {
    auto t = parse_ddl_table_name(c, ctx.default_db);
    if (!t.ok()) return;
    ctx.model.erase(t->db, t->table);
  } while (c.accept_punct(','));
}

void apply_create(DdlCursor& c, DdlContext& ctx) {
  const bool or_replace = c.accept_all({"OR", "REPLACE"});
  if (c.accept("TEMPORARY")) return;  // a session's table, never in the model
  if (c.accept("TABLE")) {
    apply_create_table(c, ctx, or_replace);
  } else if (c.accept("DATABASE") || c.accept("SCHEMA")) {
    apply_create_database(c, ctx, or_replace);
  }
}

void apply_alter(DdlCursor& c, DdlContext& ctx) {
  c.accept("ONLINE");
  c.accept("IGNORE");
  if (c.accept("TABLE")) {
    apply_alter_table(c, ctx);
  } else if (c.accept("DATABASE") || c.accept("SCHEMA")) {
    apply_alter_database(c, ctx);
  }
}

void apply_drop(DdlCursor& c, DdlContext& ctx) {
  if (c.accept("TEMPORARY")) return;
  if (c.accept("TABLE") || c.accept("TABLES")) {
    apply_drop_tables(c, ctx);
  } else if (c.accept("DATABASE") || c.accept("SCHEMA")) {
    c.accept_all({"IF", "EXISTS"});
    if (auto db = c.name()) ctx.model.drop_database(*db);
  }
}

}  // namespace

DdlApplied apply_ddl(SchemaModel& model, const std::string& sql, const std::string& default_db) {
  DdlApplied out;
  DdlContext ctx{model, default_db, out};
  DdlCursor c(sql);
  if (c.accept("CREATE")) {
    apply_create(c, ctx);
  } else if (c.accept("ALTER")) {
    apply_alter(c, ctx);
  } else if (c.accept("DROP")) {
    apply_drop(c, ctx);
  } else if (c.accept("RENAME") && (c.accept("TABLE") || c.accept("TABLES"))) {
    apply_rename_tables(c, ctx);
  }
  return out;
}

}  // namespace sluice::operators::mysql
