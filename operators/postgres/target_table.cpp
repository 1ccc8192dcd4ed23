#include "operators/postgres/target_table.h"

#include <algorithm>

#include "operators/postgres/errc.h"
#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {
namespace {

// The name's text and, per character, whether the expression wrote it (true) or the record
// gave it; false when an operand gives no string (a `+` that adds numbers): then the text is
// read as written.
bool marked_text(const SinkOptions& o, const eval::Context& ctx, std::string& text,
                 std::vector<bool>& syntax) {
  for (const TablePart& p : o.table_parts) {
    if (!p.record) {
      text += p.fixed;
      syntax.insert(syntax.end(), p.fixed.size(), true);
      continue;
    }
    auto v = eval::evaluate(*p.record, ctx);
    if (!v.ok() || v->type() != Type::String) return false;
    text += v->as_string();
    syntax.insert(syntax.end(), v->as_string().size(), p.written);
  }
  return true;
}

// "schema"."name" (or "name") from marked text: only the expression's dots and quotes are
// syntax; the first dot outside its quotes separates the schema, as parse_table_name reads.
std::string quoted_parts(const std::string& text, const std::vector<bool>& syntax) {
  std::string part[2];
  int at = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (syntax[i] && c == '"') {
      if (quoted && i + 1 < text.size() && syntax[i + 1] && text[i + 1] == '"') {
        part[at] += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (syntax[i] && c == '.' && !quoted && at == 0) {
      at = 1;
    } else {
      part[at] += c;
    }
  }
  return at == 0 ? quote_ident(part[0]) : quote_ident(part[0]) + "." + quote_ident(part[1]);
}

// Whether the expression itself writes a '.' or '"' somewhere in `e` (a string literal, or
// env()/secret(), whose values are the user's configuration).
bool writes_marks(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Literal)
    return e.literal.type() == Type::String && name_marks(e.literal.as_string()) > 0;
  if (e.kind == ast::ExprKind::Call && (e.op == "env" || e.op == "secret")) return true;
  for (const auto& a : e.args) {
    if (writes_marks(*a)) return true;
  }
  for (const auto& entry : e.entries) {
    if (entry.value && writes_marks(*entry.value)) return true;
  }
  return false;
}

}  // namespace

result<std::vector<TablePart>> compile_table_parts(const ast::Expr& table,
                                                   const eval::Scope& scope) {
  std::vector<TablePart> parts;
  for (const ast::Expr* operand : eval::concat_operands(table)) {
    TablePart p;
    auto fixed = eval::eval_constant(*operand);
    if (fixed.ok() && fixed->type() == Type::String) {
      p.fixed = fixed->as_string();
    } else {
      auto c = eval::compile(*operand, scope);
      if (!c.ok()) return c.err();
      p.record = std::move(c).value();
      p.written = writes_marks(*operand);
    }
    parts.push_back(std::move(p));
  }
  return parts;
}

size_t name_marks(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return c == '.' || c == '"'; }));
}

result<std::string> target_table(const SinkOptions& o, const Event& e) {
  if (!o.table) return o.table_constant;
  eval::Context ctx;
  ctx.event = &e;
  ctx.row = &e.row;
  auto v = eval::evaluate(*o.table, ctx);
  if (!v.ok()) return error::permanent(v.err().code, "table expression: " + v.err().message);
  if (v->type() != Type::String || v->as_string().empty()) {
    return error::permanent(errc::bad_table,
                            "table expression gave " + v->to_display() + ", not a name");
  }
  std::string name = std::move(v->as_string());
  if (name_marks(name) == o.table_fixed_marks || (e.source && e.source->table_qualified))
    return name;
  std::string text;
  std::vector<bool> syntax;
  if (!marked_text(o, ctx, text, syntax) || text != name) return name;
  return quoted_parts(text, syntax);
}

}  // namespace sluice::operators::postgres
