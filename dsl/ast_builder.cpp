#include "dsl/ast_builder.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "base/utf8.h"
#include "dsl/option_spec.h"

namespace sluice::dsl {

namespace {

using P = sluice_grammar::PipeParser;

ast::Loc loc_of(antlr4::Token* t) {
  if (t == nullptr) return {};
  return {static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1};
}
ast::Loc loc_of(antlr4::ParserRuleContext* ctx) {
  return ctx == nullptr ? ast::Loc{} : loc_of(ctx->getStart());
}
ast::Loc loc_of(antlr4::tree::TerminalNode* n) {
  return n == nullptr ? ast::Loc{} : loc_of(n->getSymbol());
}

ast::ExprPtr make(ast::ExprKind kind, ast::Loc loc) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = kind;
  e->loc = loc;
  return e;
}

ast::ExprPtr binary(std::string op, ast::Loc loc, ast::ExprPtr a, ast::ExprPtr b) {
  auto e = make(ast::ExprKind::Binary, loc);
  e->op = std::move(op);
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

// A placeholder for a part ANTLR could not parse (only seen after a syntax error).
ast::ExprPtr missing(ast::Loc loc) { return make(ast::ExprKind::Literal, loc); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(const std::string& s, size_t i, uint32_t& out) {
  if (i + 4 > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < 4; ++k) {
    int h = hex_value(s[i + k]);
    if (h < 0) return false;
    out = out * 16 + static_cast<uint32_t>(h);
  }
  return true;
}

// Multiplies with overflow detection.
bool mul_checked(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

}  // namespace

int bad_escape(const std::string& token) {
  for (size_t i = 1; i + 1 < token.size(); ++i) {
    if (token[i] != '\\') continue;
    char e = token[i + 1];
    if (e == 'u') {
      uint32_t cp = 0;
      if (!read_hex4(token, i + 2, cp) || i + 6 > token.size() - 1) return static_cast<int>(i);
      i += 5;
    } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
      return static_cast<int>(i);
    } else {
      ++i;
    }
  }
  return -1;
}

std::string unescape_string(const std::string& token) {
  std::string out;
  if (token.size() < 2) return out;
  const std::string s = token.substr(1, token.size() - 2);
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!read_hex4(s, i + 1, cp)) {
          out += 'u';
          break;
        }
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          uint32_t lo = 0;
          if (read_hex4(s, i + 3, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
        append_utf8(out, cp);
        break;
      }
      default:
        out += e;
        break;  // \" \\ \/
    }
  }
  return out;
}

std::string AstBuilder::string_value(antlr4::tree::TerminalNode* node) {
  if (node == nullptr) return {};
  std::string text = node->getText();
  int bad = bad_escape(text);
  if (bad >= 0) {
    ast::Loc loc = loc_of(node);
    for (int i = 0; i < bad; ++i) {
      if ((static_cast<unsigned char>(text[static_cast<size_t>(i)]) & 0xC0) != 0x80) ++loc.col;
    }
    diags_.error(loc, "invalid escape '" + text.substr(static_cast<size_t>(bad), 2) +
                          "' in string (escapes: \\\" \\\\ \\n \\t \\r \\uXXXX)");
  }
  return unescape_string(text);
}

void AstBuilder::build(P::FileContext* ctx, ast::File& out) {
  if (ctx == nullptr) return;
  for (auto* p : ctx->pipeline()) {
    if (p != nullptr) out.pipelines.push_back(pipeline(p));
  }
  for (auto* t : ctx->testBlock()) {
    if (t != nullptr) out.tests.push_back(test_block(t));
  }
}

ast::TestBlock AstBuilder::test_block(P::TestBlockContext* ctx) {
  ast::TestBlock t;
  t.loc = loc_of(ctx);
  if (ctx->testName != nullptr) t.name = unescape_string(ctx->testName->getText());
  if (ctx->pipelineName != nullptr) {
    t.pipeline = {name_text(ctx->pipelineName), loc_of(ctx->pipelineName)};
  }
  for (auto* st : ctx->testStmt()) {
    ast::TestStmt s;
    s.loc = loc_of(st);
    if (st->K_EXPECT() != nullptr) {
      s.kind = ast::TestStmtKind::Expect;
    } else if (st->K_EXPECT_DEAD_LETTERS() != nullptr) {
      s.kind = ast::TestStmtKind::ExpectDeadLetters;
    }
    if (st->stageName != nullptr) s.stage = {name_text(st->stageName), loc_of(st->stageName)};
    s.value = st->expr() != nullptr ? expr(st->expr()) : missing(s.loc);
    t.stmts.push_back(std::move(s));
  }
  return t;
}

ast::ExprPtr AstBuilder::build_expr(P::ExprOnlyContext* ctx) {
  if (ctx == nullptr || ctx->expr() == nullptr) return nullptr;
  return expr(ctx->expr());
}

std::string AstBuilder::name_text(P::NameContext* ctx) {
  if (ctx == nullptr) return {};
  if (auto* bq = ctx->BQ_ID()) {
    std::string t = bq->getText();
    return t.size() >= 2 ? t.substr(1, t.size() - 2) : t;
  }
  return ctx->getText();
}

std::string AstBuilder::name_text(P::AnyNameContext* ctx) {
  if (ctx == nullptr) return {};
  if (ctx->name() != nullptr) return name_text(ctx->name());
  return ctx->getText();
}

ast::Pipeline AstBuilder::pipeline(P::PipelineContext* ctx) {
  ast::Pipeline p;
  p.loc = loc_of(ctx);
  p.name = name_text(ctx->pipelineName);
  if (ctx->pipelineName != nullptr) p.loc = loc_of(ctx->pipelineName);
  for (auto* child : ctx->children) {
    if (auto* sb = dynamic_cast<P::SettingsBlockContext*>(child)) {
      p.settings_loc = loc_of(sb);
      for (auto* o : sb->option()) p.settings.push_back(option(o));
    } else if (auto* st = dynamic_cast<P::StageContext*>(child)) {
      ast::Stage s;
      stage(st, s);
      p.stages.push_back(std::move(s));
    }
  }
  return p;
}

void AstBuilder::stage(P::StageContext* ctx, ast::Stage& s) {
  s.loc = loc_of(ctx);
  if (ctx->K_SOURCE() != nullptr) {
    s.type = ast::StageType::Source;
  } else if (ctx->K_SINK() != nullptr) {
    s.type = ast::StageType::Sink;
  } else {
    s.type = ast::StageType::Processor;
  }
  if (ctx->kind != nullptr) {
    s.kind = name_text(ctx->kind);
    s.kind_loc = loc_of(ctx->kind);
  } else if (ctx->processorKind != nullptr) {
    s.kind = ctx->processorKind->getText();
    s.kind_loc = loc_of(ctx->processorKind);
  }
  if (ctx->stageName != nullptr) {
    s.name = name_text(ctx->stageName);
    s.name_loc = loc_of(ctx->stageName);
  }
  if (auto* from = ctx->fromClause()) {
    for (auto* n : from->anyName()) s.from.push_back({name_text(n), loc_of(n)});
  }
  if (auto* on = ctx->exprList()) {
    for (auto* e : on->expr()) s.join_on.push_back(expr(e));
  }
  if (auto* body = ctx->optionBody()) {
    for (auto* o : body->option()) s.options.push_back(option(o));
  }
  if (auto* body = ctx->stmtBody()) {
    for (auto* st : body->statement()) statement(st, s);
  }
}

ast::Option AstBuilder::option(P::OptionContext* ctx) {
  ast::Option o;
  o.name = ctx->STRING() != nullptr ? string_value(ctx->STRING()) : name_text(ctx->anyName());
  o.loc = loc_of(ctx);
  if (ctx->ASSIGN() != nullptr) {
    o.value = ctx->expr() != nullptr ? expr(ctx->expr()) : missing(loc_of(ctx->ASSIGN()));
  } else {
    o.is_block = true;
    for (auto* c : ctx->option()) o.block.push_back(option(c));
  }
  return o;
}

ast::Path AstBuilder::path(P::PathContext* ctx) {
  ast::Path p;
  if (ctx == nullptr) return p;
  p.loc = loc_of(ctx);
  for (auto* n : ctx->anyName()) p.segments.push_back(name_text(n));
  return p;
}

namespace {
bool is_common_option(const std::string& name) {
  for (const auto& o : common_stage_options()) {
    if (o.name == name) return true;
  }
  return false;
}
}  // namespace

void AstBuilder::statement(P::StatementContext* ctx, ast::Stage& s) {
  ast::Statement st;
  st.loc = loc_of(ctx);
  if (auto* o = ctx->option()) {
    // Which processors take fields is the checker's to say (KindSpec::shape).
    bool agg_field = o->ASSIGN() != nullptr && o->anyName() != nullptr &&
                     !is_common_option(name_text(o->anyName()));
    if (!agg_field) {
      s.options.push_back(option(o));
      return;
    }
    st.kind = ast::StmtKind::AggField;
    ast::Path target;
    target.segments.push_back(name_text(o->anyName()));
    target.loc = loc_of(o);
    st.paths.push_back(std::move(target));
    st.exprs.push_back(o->expr() != nullptr ? expr(o->expr()) : missing(st.loc));
  } else if (auto* w = ctx->whereStmt()) {
    st.kind = ast::StmtKind::Where;
    st.exprs.push_back(expr(w->expr()));
  } else if (auto* x = ctx->setStmt()) {
    st.kind = ast::StmtKind::Set;
    st.paths.push_back(path(x->path()));
    st.exprs.push_back(expr(x->expr()));
  } else if (auto* x = ctx->dropStmt()) {
    st.kind = ast::StmtKind::Drop;
    for (auto* p : x->path()) st.paths.push_back(path(p));
  } else if (auto* x = ctx->keepStmt()) {
    st.kind = ast::StmtKind::Keep;
    for (auto* p : x->path()) st.paths.push_back(path(p));
  } else if (auto* x = ctx->renameStmt()) {
    st.kind = ast::StmtKind::Rename;
    for (auto* p : x->path()) st.paths.push_back(path(p));
    while (st.paths.size() < 2) st.paths.emplace_back();
  } else if (auto* x = ctx->selectStmt()) {
    st.kind = ast::StmtKind::Select;
    st.exprs.push_back(x->objectLit() != nullptr ? object_lit(x->objectLit()) : missing(st.loc));
  } else if (auto* x = ctx->flattenStmt()) {
    st.kind = ast::StmtKind::Flatten;
    st.paths.push_back(path(x->path()));
    if (x->STRING() != nullptr) st.prefix = string_value(x->STRING());
  } else if (auto* x = ctx->keyStmt()) {
    st.kind = ast::StmtKind::Key;
    for (auto* e : x->expr()) st.exprs.push_back(expr(e));
  } else if (auto* x = ctx->requireStmt()) {
    st.kind = ast::StmtKind::Require;
    st.exprs.push_back(expr(x->expr()));
    if (x->STRING() != nullptr) st.message = string_value(x->STRING());
  } else if (auto* x = ctx->groupByStmt()) {
    st.kind = ast::StmtKind::GroupBy;
    for (auto* e : x->expr()) st.exprs.push_back(expr(e));
  } else if (auto* x = ctx->windowStmt()) {
    st.kind = ast::StmtKind::Window;
    auto c = make(ast::ExprKind::Call, loc_of(x->anyName()));
    c->op = name_text(x->anyName());
    if (auto* args = x->exprList()) {
      for (auto* e : args->expr()) c->args.push_back(expr(e));
    }
    st.exprs.push_back(std::move(c));
    st.paths.push_back(path(x->path()));
  } else {
    return;  // an empty statement left by error recovery
  }
  s.statements.push_back(std::move(st));
}

// ---------------------------------------------------------------- expressions

ast::ExprPtr AstBuilder::expr(P::ExprContext* ctx) {
  if (ctx == nullptr || ctx->coalesceExpr() == nullptr) return missing(loc_of(ctx));
  return coalesce(ctx->coalesceExpr());
}

ast::ExprPtr AstBuilder::coalesce(P::CoalesceExprContext* ctx) {
  auto parts = ctx->orExpr();
  if (parts.empty()) return missing(loc_of(ctx));
  auto e = or_expr(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    e = binary("??", loc_of(ctx->QQ(i - 1)), std::move(e), or_expr(parts[i]));
  }
  return e;
}

ast::ExprPtr AstBuilder::or_expr(P::OrExprContext* ctx) {
  auto parts = ctx->andExpr();
  if (parts.empty()) return missing(loc_of(ctx));
  auto e = and_expr(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    e = binary("or", loc_of(ctx->K_OR(i - 1)), std::move(e), and_expr(parts[i]));
  }
  return e;
}

ast::ExprPtr AstBuilder::and_expr(P::AndExprContext* ctx) {
  auto parts = ctx->cmpExpr();
  if (parts.empty()) return missing(loc_of(ctx));
  auto e = cmp_expr(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    e = binary("and", loc_of(ctx->K_AND(i - 1)), std::move(e), cmp_expr(parts[i]));
  }
  return e;
}

ast::ExprPtr AstBuilder::cmp_expr(P::CmpExprContext* ctx) {
  if (ctx->addExpr() == nullptr) return missing(loc_of(ctx));
  auto e = add_expr(ctx->addExpr());
  for (auto* tail : ctx->cmpTail()) {
    if (auto* op = tail->cmpOp()) {
      ast::ExprPtr rhs =
          tail->addExpr() != nullptr ? add_expr(tail->addExpr()) : missing(loc_of(tail));
      e = binary(op->getText(), loc_of(op), std::move(e), std::move(rhs));
    } else if (tail->K_IN() != nullptr) {
      auto in = make(ast::ExprKind::In, loc_of(tail->K_IN()));
      in->args.push_back(std::move(e));
      if (auto* list = tail->listLit()) {
        for (auto* item : list->expr()) in->args.push_back(expr(item));
      }
      e = std::move(in);
    } else if (tail->K_IS() != nullptr) {
      auto is = make(ast::ExprKind::IsNull, loc_of(tail->K_IS()));
      is->negated = tail->K_NOT() != nullptr;
      is->args.push_back(std::move(e));
      e = std::move(is);
    }
  }
  return e;
}

ast::ExprPtr AstBuilder::add_expr(P::AddExprContext* ctx) {
  auto parts = ctx->mulExpr();
  if (parts.empty()) return missing(loc_of(ctx));
  auto e = mul_expr(parts[0]);
  auto ops = ctx->addOp();
  for (size_t i = 1; i < parts.size() && i - 1 < ops.size(); ++i) {
    e = binary(ops[i - 1]->getText(), loc_of(ops[i - 1]), std::move(e), mul_expr(parts[i]));
  }
  return e;
}

ast::ExprPtr AstBuilder::mul_expr(P::MulExprContext* ctx) {
  auto parts = ctx->unaryExpr();
  if (parts.empty()) return missing(loc_of(ctx));
  auto e = unary(parts[0]);
  auto ops = ctx->mulOp();
  for (size_t i = 1; i < parts.size() && i - 1 < ops.size(); ++i) {
    e = binary(ops[i - 1]->getText(), loc_of(ops[i - 1]), std::move(e), unary(parts[i]));
  }
  return e;
}

ast::ExprPtr AstBuilder::unary(P::UnaryExprContext* ctx) {
  if (ctx->primary() != nullptr) return primary(ctx->primary());
  ast::Loc loc = loc_of(ctx);
  ast::ExprPtr operand = ctx->unaryExpr() != nullptr ? unary(ctx->unaryExpr()) : missing(loc);
  if (ctx->MINUS() != nullptr && operand->kind == ast::ExprKind::Literal &&
      operand->unit == ast::LitUnit::None) {
    // Fold -literal so that options like `min = -5` are plain constants.
    Value& v = operand->literal;
    if (v.type() == Type::Int && v.as_int() != std::numeric_limits<int64_t>::min()) {
      v = Value::int64(-v.as_int());
      operand->loc = loc;
      return operand;
    }
    if (v.type() == Type::Decimal) {
      v = Value::decimal(v.as_decimal().neg());
      operand->loc = loc;
      return operand;
    }
    if (v.type() == Type::Float) {
      v = Value::float64(-v.as_float());
      operand->loc = loc;
      return operand;
    }
  }
  auto e = make(ast::ExprKind::Unary, loc);
  e->op = ctx->K_NOT() != nullptr ? "not" : "-";
  e->args.push_back(std::move(operand));
  return e;
}

ast::ExprPtr AstBuilder::primary(P::PrimaryContext* ctx) {
  if (auto* x = ctx->literal()) return literal(x);
  if (auto* x = ctx->listLit()) return list_lit(x);
  if (auto* x = ctx->objectLit()) return object_lit(x);
  if (auto* x = ctx->ifExpr()) {
    auto e = make(ast::ExprKind::If, loc_of(x));
    for (size_t i = 0; i < 3; ++i) e->args.push_back(expr(x->expr(i)));
    return e;
  }
  if (auto* x = ctx->call()) return call(x);
  if (auto* x = ctx->metaRef()) {
    auto e = make(ast::ExprKind::Meta, loc_of(x));
    for (auto* n : x->anyName()) e->path.push_back(name_text(n));
    return e;
  }
  if (auto* x = ctx->fieldRef()) {
    auto e = make(ast::ExprKind::Field, loc_of(x));
    e->path.push_back(name_text(x->name()));
    for (auto* n : x->anyName()) e->path.push_back(name_text(n));
    return e;
  }
  if (ctx->expr() != nullptr) return expr(ctx->expr());
  return missing(loc_of(ctx));
}

ast::ExprPtr AstBuilder::literal(P::LiteralContext* ctx) {
  ast::Loc loc = loc_of(ctx);
  auto e = make(ast::ExprKind::Literal, loc);
  const std::string text = ctx->getText();
  auto parse_int = [&](const std::string& digits, int64_t& out) {
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(digits.c_str(), &end, 10);
    if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) {
      diags_.error(loc, "number '" + digits + "' is too large (the largest integer is " +
                            std::to_string(INT64_MAX) + ")");
      out = 0;
      return false;
    }
    out = static_cast<int64_t>(v);
    return true;
  };
  auto too_large = [&] { diags_.error(loc, "'" + text + "' is too large"); };
  if (ctx->INT() != nullptr) {
    int64_t v = 0;
    parse_int(text, v);
    e->literal = Value::int64(v);
  } else if (ctx->DECIMAL() != nullptr) {
    auto d = Decimal::parse(text);
    if (!d) {
      diags_.error(loc, "decimal '" + text + "' has more than " +
                            std::to_string(Decimal::kMaxWideDigits) + " digits");
      e->literal = Value::decimal(Decimal());
    } else {
      e->literal = Value::decimal(*d);
    }
  } else if (ctx->FLOAT() != nullptr) {
    e->literal = Value::float64(std::strtod(text.c_str(), nullptr));
  } else if (ctx->STRING() != nullptr) {
    e->literal = Value::string(string_value(ctx->STRING()));
  } else if (ctx->DURATION() != nullptr) {
    size_t n = text.find_first_not_of("0123456789");
    std::string unit = text.substr(n);
    int64_t count = 0;
    parse_int(text.substr(0, n), count);
    int64_t mult = unit == "ms"  ? 1000
                   : unit == "s" ? 1000000
                   : unit == "m" ? 60LL * 1000000
                   : unit == "h" ? 3600LL * 1000000
                                 : 86400LL * 1000000;
    int64_t us = 0;
    if (!mul_checked(count, mult, us)) too_large();
    e->literal = Value::int64(us);
    e->unit = ast::LitUnit::Duration;
  } else if (ctx->SIZE() != nullptr) {
    size_t n = text.find_first_not_of("0123456789");
    std::string unit = text.substr(n);
    int64_t count = 0;
    parse_int(text.substr(0, n), count);
    int64_t mult = unit == "KB"   ? 1024LL
                   : unit == "MB" ? 1024LL * 1024
                   : unit == "GB" ? 1024LL * 1024 * 1024
                                  : 1024LL * 1024 * 1024 * 1024;
    int64_t bytes = 0;
    if (!mul_checked(count, mult, bytes)) too_large();
    e->literal = Value::int64(bytes);
    e->unit = ast::LitUnit::Size;
  } else if (ctx->RATE() != nullptr) {
    size_t slash = text.find('/');
    int64_t count = 0;
    parse_int(text.substr(0, slash), count);
    char unit = slash + 1 < text.size() ? text[slash + 1] : 's';
    e->literal = Value::int64(count);
    e->unit = ast::LitUnit::Rate;
    e->rate_period_us = unit == 's' ? 1000000LL : unit == 'm' ? 60LL * 1000000 : 3600LL * 1000000;
  } else if (ctx->K_TRUE() != nullptr) {
    e->literal = Value::boolean(true);
  } else if (ctx->K_FALSE() != nullptr) {
    e->literal = Value::boolean(false);
  }  // K_NULL: the default Value is null
  return e;
}

ast::ExprPtr AstBuilder::list_lit(P::ListLitContext* ctx) {
  auto e = make(ast::ExprKind::ListLit, loc_of(ctx));
  for (auto* item : ctx->expr()) e->args.push_back(expr(item));
  return e;
}

ast::ExprPtr AstBuilder::object_lit(P::ObjectLitContext* ctx) {
  auto e = make(ast::ExprKind::ObjectLit, loc_of(ctx));
  for (auto* entry : ctx->objEntry()) {
    ast::ObjectEntry oe;
    oe.loc = loc_of(entry);
    if (entry->STRING() != nullptr) {
      oe.name = string_value(entry->STRING());
    } else if (entry->AT() != nullptr) {
      oe.name = "@" + name_text(entry->anyName());
      oe.meta = true;
    } else {
      oe.name = name_text(entry->anyName());
    }
    oe.value = entry->expr() != nullptr ? expr(entry->expr()) : missing(oe.loc);
    e->entries.push_back(std::move(oe));
  }
  return e;
}

ast::ExprPtr AstBuilder::call(P::CallContext* ctx) {
  auto e = make(ast::ExprKind::Call, loc_of(ctx));
  e->op = ctx->ident() != nullptr ? ctx->ident()->getText() : std::string();
  if (auto* args = ctx->exprList()) {
    for (auto* a : args->expr()) e->args.push_back(expr(a));
  }
  return e;
}

}  // namespace sluice::dsl
