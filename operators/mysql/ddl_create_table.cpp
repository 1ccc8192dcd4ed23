// CREATE TABLE for apply_ddl (ddl_apply_parts.h): the column definitions, keys and options
// into a TableModel; CREATE TABLE ... LIKE copies the model; ... SELECT is not understood.
#include "operators/mysql/column_definition.h"
#include "operators/mysql/ddl_apply_parts.h"

namespace sluice::operators::mysql {
namespace {

struct CreateBody {
  std::vector<ColumnDefinition> columns;
  std::vector<std::string> primary_key;
  std::vector<std::string> json;
};

// ( create_definition, ... ) into `body`.
result<void> create_definitions(DdlCursor& c, CreateBody& body) {
  auto open = c.expect_punct('(');
  if (!open.ok()) return open;
  while (!c.accept_punct(')')) {
    if (at_table_constraint(c)) {
      auto r = parse_table_constraint(c, body.primary_key, body.json);
      if (!r.ok()) return r;
    } else {
      auto d = parse_column_definition(c);
      if (!d.ok()) return d.err();
      if (d->primary_key) body.primary_key = {d->name};
      body.columns.push_back(std::move(d).value());
    }
    if (!c.accept_punct(',') && !c.is_punct(')')) return c.unexpected("',' or ')'");
  }
  return {};
}

// The table options after the definitions; SELECT (a CREATE ... SELECT) and system
// versioning (hidden columns) are not understood; PARTITION BY ends the statement.
result<void> create_options(DdlCursor& c, DdlCharsetSpec& charset) {
  while (!c.at_end() && !c.is("PARTITION") && !c.is_punct(';')) {
    if (c.is_any({"SELECT", "AS", "IGNORE", "REPLACE", "WITH"}) || c.is_punct('(')) {
      return c.unexpected("a table option");
    }
    auto r = parse_table_option(c, charset);
    if (!r.ok()) return r.err();
    if (!*r) return c.unexpected("a table option");
    c.accept_punct(',');
  }
  return {};
}

result<TableModel> create_model(DdlCursor& c, const std::string& db_charset) {
  CreateBody body;
  auto defs = create_definitions(c, body);
  if (!defs.ok()) return defs.err();
  DdlCharsetSpec charset;
  auto opts = create_options(c, charset);
  if (!opts.ok()) return opts.err();
  TableModel t;
  t.charset = charset.resolve(db_charset);
  for (const auto& d : body.columns) t.columns.push_back(finish_column(d, t.charset));
  t.primary_key = std::move(body.primary_key);
  settle_table(t, body.json);
  return t;
}

// LIKE src / (LIKE src): the source's model, if known.
void create_like(DdlCursor& c, DdlContext& ctx, const DdlTableName& target) {
  const bool parens = c.accept_punct('(');
  c.accept("LIKE");
  auto src = parse_ddl_table_name(c, ctx.default_db);
  const TableModel* from = src.ok() ? ctx.model.find(src->db, src->table) : nullptr;
  if (!from || (parens && !c.accept_punct(')'))) {
    ctx.not_understood(target);
    return;
  }
  ctx.model.put(target.db, target.table, *from);
}

}  // namespace

void apply_create_table(DdlCursor& c, DdlContext& ctx, bool or_replace) {
  const bool if_not_exists = c.accept_all({"IF", "NOT", "EXISTS"});
  auto name = parse_ddl_table_name(c, ctx.default_db);
  if (!name.ok() || !ctx.tracked(*name)) return;
  if (if_not_exists && !or_replace && ctx.model.find(name->db, name->table)) return;
  if (c.is("LIKE") || (c.is_punct('(') && c.is("LIKE", 1))) {
    create_like(c, ctx, *name);
    return;
  }
  auto t = create_model(c, ctx.default_table_charset(name->db));
  if (!t.ok()) {
    ctx.not_understood(*name);
    return;
  }
  ctx.model.put(name->db, name->table, std::move(t).value());
}

}  // namespace sluice::operators::mysql
