#include "operators/common/statements/select_node.h"

#include "operators/common/statements/loc_text.h"

namespace sluice::operators::statements {

result<SelectNode> SelectNode::compile(const ast::ObjectEntry& en, const eval::Scope& scope) {
  SelectNode n;
  n.name = intern(en.name);
  if (!en.value) return error::permanent(loc_text(en.loc) + "select: " + en.name + " has no value");
  if (en.value->kind == ast::ExprKind::ObjectLit) {
    for (const auto& c : en.value->entries) {
      auto r = compile(c, scope);
      if (!r.ok()) return r.err();
      n.children.push_back(std::move(r.value()));
    }
    return n;
  }
  auto c = eval::compile(*en.value, scope);
  if (!c.ok()) return c.err();
  n.expr = std::move(c.value());
  return n;
}

void SelectNode::build(const std::vector<SelectNode>& nodes, const eval::Context& ctx,
                       Object& out) {
  out.reserve(nodes.size());
  for (const SelectNode& n : nodes) {
    if (n.expr) {
      out.append(n.name, n.expr->eval(ctx));
    } else {
      Object child;
      build(n.children, ctx, child);
      out.append(n.name, Value::object(std::move(child)));
    }
  }
}

}  // namespace sluice::operators::statements
