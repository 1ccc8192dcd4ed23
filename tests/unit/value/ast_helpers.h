// Hand-built ASTs for expression tests (no dependency on the parser).
#pragma once
#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/decimal.h"
#include "dsl/ast.h"
#include "dsl/eval/expr.h"
#include "print.h"

namespace th {

using sluice::Value;
using sluice::ast::ExprKind;
using sluice::ast::ExprPtr;

inline ExprPtr node(ExprKind k) {
  auto e = std::make_unique<sluice::ast::Expr>();
  e->kind = k;
  e->loc = {1, 1};
  return e;
}

inline ExprPtr lit(Value v) {
  auto e = node(ExprKind::Literal);
  e->literal = std::move(v);
  return e;
}
inline ExprPtr i(int64_t v) { return lit(Value::int64(v)); }
inline ExprPtr d(const char* text) { return lit(Value::decimal(*sluice::Decimal::parse(text))); }
inline ExprPtr f(double v) { return lit(Value::float64(v)); }
inline ExprPtr s(std::string v) { return lit(Value::string(std::move(v))); }
inline ExprPtr b(bool v) { return lit(Value::boolean(v)); }
inline ExprPtr null() { return lit(Value()); }

inline std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

inline ExprPtr field(const std::string& path) {
  auto e = node(ExprKind::Field);
  e->path = split(path);
  return e;
}
inline ExprPtr meta(const std::string& path) {
  auto e = node(ExprKind::Meta);
  e->path = split(path);
  return e;
}

inline void push_all(std::vector<ExprPtr>&) {}
template <class... R>
void push_all(std::vector<ExprPtr>& v, ExprPtr first, R&&... rest) {
  v.push_back(std::move(first));
  push_all(v, std::forward<R>(rest)...);
}

inline ExprPtr bin(const std::string& op, ExprPtr l, ExprPtr r) {
  auto e = node(ExprKind::Binary);
  e->op = op;
  e->args.push_back(std::move(l));
  e->args.push_back(std::move(r));
  return e;
}
inline ExprPtr un(const std::string& op, ExprPtr a) {
  auto e = node(ExprKind::Unary);
  e->op = op;
  e->args.push_back(std::move(a));
  return e;
}
template <class... A>
ExprPtr call(const std::string& name, A&&... args) {
  auto e = node(ExprKind::Call);
  e->op = name;
  push_all(e->args, std::forward<A>(args)...);
  return e;
}
template <class... A>
ExprPtr in(ExprPtr lhs, A&&... items) {
  auto e = node(ExprKind::In);
  e->args.push_back(std::move(lhs));
  push_all(e->args, std::forward<A>(items)...);
  return e;
}
template <class... A>
ExprPtr list(A&&... items) {
  auto e = node(ExprKind::ListLit);
  push_all(e->args, std::forward<A>(items)...);
  return e;
}
inline ExprPtr is_null(ExprPtr a, bool negated = false) {
  auto e = node(ExprKind::IsNull);
  e->negated = negated;
  e->args.push_back(std::move(a));
  return e;
}
inline ExprPtr if_(ExprPtr c, ExprPtr a, ExprPtr b) {
  auto e = node(ExprKind::If);
  push_all(e->args, std::move(c), std::move(a), std::move(b));
  return e;
}
inline void add_entries(sluice::ast::Expr&) {}
template <class... R>
void add_entries(sluice::ast::Expr& e, const char* name, ExprPtr v, R&&... rest) {
  sluice::ast::ObjectEntry en;
  en.name = name;
  en.value = std::move(v);
  e.entries.push_back(std::move(en));
  add_entries(e, std::forward<R>(rest)...);
}
// obj("a", expr, "b", expr, ...)
template <class... A>
ExprPtr obj(A&&... kv) {
  auto e = node(ExprKind::ObjectLit);
  add_entries(*e, std::forward<A>(kv)...);
  return e;
}

inline sluice::eval::ExprPtr compile(const ExprPtr& e, const sluice::eval::Scope& scope = {}) {
  auto r = sluice::eval::compile(*e, scope);
  BOOST_REQUIRE_MESSAGE(r.ok(), "compile failed: " + (r.ok() ? std::string() : r.err().message));
  return std::move(r.value());
}

// Compiles and evaluates; the test fails if compiling fails.
inline Value eval(const ExprPtr& e, const sluice::eval::Context& ctx = {},
                  const sluice::eval::Scope& scope = {}) {
  return compile(e, scope)->eval(ctx);
}

// The compile error message ("" when it compiled).
inline std::string compile_error(const ExprPtr& e, const sluice::eval::Scope& scope = {}) {
  auto r = sluice::eval::compile(*e, scope);
  return r.ok() ? std::string() : r.err().message;
}

// The error message of evaluating e ("" when it succeeded). Compile errors count too
// (constant folding reports evaluation errors of constants at compile time).
inline std::string eval_error(const ExprPtr& e, const sluice::eval::Context& ctx = {},
                              const sluice::eval::Scope& scope = {}) {
  auto r = sluice::eval::compile(*e, scope);
  if (!r.ok()) return r.err().message;
  auto v = sluice::eval::evaluate(*r.value(), ctx);
  return v.ok() ? std::string() : v.err().message;
}

inline std::string show(const Value& v) {
  return std::string(sluice::type_name(v.type())) + ":" + v.to_display();
}

}  // namespace th
