#include "operators/common/statements/statement_list.h"

namespace sluice::operators::statements {

result<void> StatementList::add(const ast::Statement& s, const eval::Scope& scope) {
  auto c = CompiledStatement::compile(s, scope);
  if (!c.ok()) return c.err();
  statements_.push_back(std::move(c.value()));
  return {};
}

StatementList::Outcome StatementList::run(Event& e, const eval::Context& ctx) {
  for (CompiledStatement& s : statements_) {
    Outcome o = s.run(e, ctx);
    if (o == Outcome::Fail) failed_message_ = s.message();
    if (o != Outcome::Continue) return o;
  }
  return Outcome::Continue;
}

}  // namespace sluice::operators::statements
