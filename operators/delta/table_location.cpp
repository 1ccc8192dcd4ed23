#include "operators/delta/table_location.h"

#include "dsl/eval/expr.h"
#include "operators/delta/errc.h"

namespace sluice::operators::delta {

std::string fixed_path_prefix(const ast::Expr& path) {
  std::string fixed;
  for (const ast::Expr* p : eval::concat_operands(path)) {
    // eval_constant refuses an operand that reads the record (a field, @table, ...); one that
    // is no constant (now()) or a number (the `+` may add) ends the fixed part too.
    auto v = eval::eval_constant(*p);
    if (!v.ok() || v->type() != Type::String) break;
    fixed += v->as_string();
  }
  return fixed;
}

result<void> check_table_location(std::string_view location, std::string_view fixed) {
  std::string_view rest = location;
  if (!fixed.empty() && location.substr(0, fixed.size()) == fixed) rest.remove_prefix(fixed.size());
  size_t at = 0;
  while (at <= rest.size()) {
    size_t end = rest.find('/', at);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view part = rest.substr(at, end - at);
    if (part == "." || part == "..") {
      return error::permanent(errc::path,
                              "path " + std::string(location) + " has a '" + std::string(part) +
                                  "' from the record (a table, database or field value): a record "
                                  "cannot move its table out of " +
                                  (fixed.empty() ? std::string("the directory the path names")
                                                 : "'" + std::string(fixed) + "'") +
                                  ". Rename the table at the source, or map such names in the path "
                                  "expression (replace(@table, \"/\", \"_\"))");
    }
    at = end + 1;
  }
  return {};
}

result<std::string> table_location(const DeltaOptions& o, const Event& e) {
  if (!o.path) return o.path_constant;
  eval::Context ctx;
  ctx.event = &e;
  ctx.row = &e.row;
  auto v = eval::evaluate(*o.path, ctx);
  if (!v.ok()) return error::permanent(v.err().code, "path expression: " + v.err().message);
  if (v->type() != Type::String || v->as_string().empty()) {
    return error::permanent(errc::io,
                            "path expression gave " + v->to_display() + ", not a directory");
  }
  std::string p = std::move(v->as_string());
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (auto inside = check_table_location(p, o.path_fixed); !inside) return inside.err();
  return p;
}

}  // namespace sluice::operators::delta
