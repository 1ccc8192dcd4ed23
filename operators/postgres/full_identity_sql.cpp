#include "operators/postgres/full_identity_sql.h"

#include "base/json.h"
#include "operators/postgres/copy_encoder.h"
#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {
namespace {

bool has_no_equality(const std::string& type) {
  static const char* const kTypes[] = {"xml", "point", "line",    "lseg",
                                       "box", "path",  "polygon", "circle"};
  for (const char* t : kTypes) {
    if (type == t) return true;
  }
  return false;
}

std::string literal(const Value& v, const WriteColumn& c) {
  if (v.is_null()) return "NULL";
  return quote_literal(pg_text(v, c.kind)) + "::" + c.type;
}

// The value written to column c for item it (as the COPY path writes it).
std::string new_value(const WriteColumn& c, const WriteItem& it, bool deleted) {
  switch (c.src) {
    case WriteColumn::Src::Field: {
      const Value* v = it.row->find(c.sym);
      return v == nullptr ? std::string("NULL") : literal(*v, c);
    }
    case WriteColumn::Src::Op:
      return quote_literal(deleted ? "d" : op_code(it.ev->op));
    case WriteColumn::Src::Ts:
      return it.ev->ts == 0 ? std::string("NULL") : literal(Value::timestamp(it.ev->ts), c);
    case WriteColumn::Src::Pos:
      return it.ev->position.is_null() ? std::string("NULL")
                                       : quote_literal(json::encode(it.ev->position));
    case WriteColumn::Src::Deleted:
      return deleted ? "true" : "false";
  }
  return "NULL";
}

// "a = 'x'::text AND b IS NULL ...": the before image's columns (those it has).
void append_match(const WriteGroup& g, const Object& before, std::string& sql) {
  bool first = true;
  for (const auto& c : g.cols) {
    if (c.src != WriteColumn::Src::Field) continue;
    const Value* v = before.find(c.sym);
    if (v == nullptr) continue;
    if (!first) sql += " AND ";
    first = false;
    const std::string col = quote_ident(c.name);
    if (v->is_null()) {
      sql += col + " IS NULL";
    } else if (c.type == "json") {
      sql += col + "::jsonb = " + literal(*v, c) + "::jsonb";
    } else if (has_no_equality(c.type)) {
      sql += col + "::text = (" + literal(*v, c) + ")::text";
    } else {
      sql += col + " = " + literal(*v, c);
    }
  }
  if (first) sql += "true";
}

}  // namespace

void append_full_identity_change(const WriteGroup& g, const WriteItem& it, Mode mode,
                                 std::string& sql) {
  const Event& e = *it.ev;
  const Object& before = it.is_delete ? *it.row : e.before;
  const bool soft = mode == Mode::SoftDelete;
  const std::string& t = g.table->quoted;
  if (it.is_delete && !soft) {
    sql += "DELETE FROM " + t;
  } else {
    sql += "UPDATE " + t + " SET ";
    bool first = true;
    for (const auto& c : g.cols) {
      // A soft delete keeps the row's values and records the delete.
      if (it.is_delete && c.src == WriteColumn::Src::Field) continue;
      if (!first) sql += ", ";
      first = false;
      sql += quote_ident(c.name) + " = " + new_value(c, it, it.is_delete);
    }
  }
  sql += " WHERE ctid = (SELECT ctid FROM " + t + " WHERE ";
  append_match(g, before, sql);
  if (soft) sql += " AND NOT cdc_deleted";
  sql += " LIMIT 1);\n";
}

}  // namespace sluice::operators::postgres
