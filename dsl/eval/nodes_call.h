// Evaluator nodes for function calls and list/object constructors.
#pragma once
#include <regex>
#include <vector>

#include "dsl/eval/functions.h"

namespace sluice::eval {

// A built-in function call; arguments are read without copying (see peek()).
class CallNode final : public Expr {
 public:
  CallNode(const FunctionSpec* spec, std::vector<ExprPtr> args)
      : spec_(spec), args_(std::move(args)) {}
  Value eval(const Context& ctx) const override;

 private:
  const FunctionSpec* spec_;
  std::vector<ExprPtr> args_;
};

// regex_match(s, "literal pattern"): the pattern is compiled once.
class RegexMatchNode final : public Expr {
 public:
  RegexMatchNode(ExprPtr s, std::regex re) : s_(std::move(s)), re_(std::move(re)) {}
  Value eval(const Context& ctx) const override;

 private:
  ExprPtr s_;
  std::regex re_;
};

class ListNode final : public Expr {
 public:
  explicit ListNode(std::vector<ExprPtr> items) : items_(std::move(items)) {}
  Value eval(const Context& ctx) const override;

 private:
  std::vector<ExprPtr> items_;
};

class ObjectNode final : public Expr {
 public:
  ObjectNode(std::vector<Sym> names, std::vector<ExprPtr> values)
      : names_(std::move(names)), values_(std::move(values)) {}
  Value eval(const Context& ctx) const override;

 private:
  std::vector<Sym> names_;
  std::vector<ExprPtr> values_;
};

}  // namespace sluice::eval
