// Builds the AST (dsl/ast.h) from the ANTLR parse tree. Tolerates the partial trees ANTLR
// leaves after syntax errors (missing children are skipped). Literal conversion: durations ->
// Int micros, sizes -> Int bytes (KB = 1024), rates -> Int count + rate_period_us, decimals
// exact via Decimal::parse, floats (with an exponent) -> Float.
#pragma once
#include <string>

#include "PipeParser.h"
#include "dsl/ast.h"
#include "dsl/diagnostics.h"

namespace sluice::dsl {

class AstBuilder {
 public:
  explicit AstBuilder(Diagnostics& diags) : diags_(diags) {}
  void build(sluice_grammar::PipeParser::FileContext* ctx, ast::File& out);
  // One expression alone (`sluice eval`); null when the tree has none.
  ast::ExprPtr build_expr(sluice_grammar::PipeParser::ExprOnlyContext* ctx);

 private:
  using P = sluice_grammar::PipeParser;
  ast::Pipeline pipeline(P::PipelineContext* ctx);
  void stage(P::StageContext* ctx, ast::Stage& s);
  ast::TestBlock test_block(P::TestBlockContext* ctx);
  ast::Option option(P::OptionContext* ctx);
  void statement(P::StatementContext* ctx, ast::Stage& s);
  ast::Path path(P::PathContext* ctx);
  std::string name_text(P::AnyNameContext* ctx);
  std::string name_text(P::NameContext* ctx);
  // A string literal's value; reports a bad escape at its exact column.
  std::string string_value(antlr4::tree::TerminalNode* node);

  ast::ExprPtr expr(P::ExprContext* ctx);
  ast::ExprPtr coalesce(P::CoalesceExprContext* ctx);
  ast::ExprPtr or_expr(P::OrExprContext* ctx);
  ast::ExprPtr and_expr(P::AndExprContext* ctx);
  ast::ExprPtr cmp_expr(P::CmpExprContext* ctx);
  ast::ExprPtr add_expr(P::AddExprContext* ctx);
  ast::ExprPtr mul_expr(P::MulExprContext* ctx);
  ast::ExprPtr unary(P::UnaryExprContext* ctx);
  ast::ExprPtr primary(P::PrimaryContext* ctx);
  ast::ExprPtr literal(P::LiteralContext* ctx);
  ast::ExprPtr list_lit(P::ListLitContext* ctx);
  ast::ExprPtr object_lit(P::ObjectLitContext* ctx);
  ast::ExprPtr call(P::CallContext* ctx);

  Diagnostics& diags_;
};

// Unescapes the body of a string literal token (with its quotes): \" \\ \/ \b \f \n \r \t
// \uXXXX (surrogate pairs joined) -> UTF-8.
std::string unescape_string(const std::string& token);
// Byte offset of the first invalid escape in a string token, or -1.
int bad_escape(const std::string& token);

}  // namespace sluice::dsl
