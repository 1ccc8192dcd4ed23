// Evaluator nodes for operators: arithmetic, comparison, logic, ??, in, is null, if.
#pragma once
#include <vector>

#include "dsl/eval/expr.h"
#include "dsl/eval/nodes_access.h"

namespace sluice::eval {

enum class BinOp : uint8_t { Add, Sub, Mul, Div, Rem, Eq, Ne, Lt, Le, Gt, Ge };

// A binary arithmetic or comparison operator.
class OperatorNode : public Expr {
 public:
  OperatorNode(BinOp op, ExprPtr l, ExprPtr r) : op_(op), l_(std::move(l)), r_(std::move(r)) {}

 protected:
  BinOp op_;
  ExprPtr l_, r_;
};

class ArithNode final : public OperatorNode {
 public:
  using OperatorNode::OperatorNode;
  Value eval(const Context& ctx) const override;
};

class CompareNode final : public OperatorNode {
 public:
  using OperatorNode::OperatorNode;
  Value eval(const Context& ctx) const override;
};

// Three-valued and/or.
class LogicNode final : public Expr {
 public:
  LogicNode(bool is_and, ExprPtr l, ExprPtr r) : and_(is_and), l_(std::move(l)), r_(std::move(r)) {}
  Value eval(const Context& ctx) const override;

 private:
  bool and_;
  ExprPtr l_, r_;
};

// A unary operator: not, negation.
class UnaryNode : public Expr {
 public:
  explicit UnaryNode(ExprPtr a) : a_(std::move(a)) {}

 protected:
  ExprPtr a_;
};

class NotNode final : public UnaryNode {
 public:
  using UnaryNode::UnaryNode;
  Value eval(const Context& ctx) const override;
};

class NegNode final : public UnaryNode {
 public:
  using UnaryNode::UnaryNode;
  Value eval(const Context& ctx) const override;
};

// a ?? b: the first non-null.
class CoalesceOpNode final : public PeekNode {
 public:
  CoalesceOpNode(ExprPtr l, ExprPtr r) : l_(std::move(l)), r_(std::move(r)) {}
  const Value* peek(const Context& ctx, Value& scratch) const override {
    const Value* v = l_->peek(ctx, scratch);
    return v->is_null() ? r_->peek(ctx, scratch) : v;
  }

 private:
  ExprPtr l_, r_;
};

class InNode final : public Expr {
 public:
  InNode(ExprPtr lhs, std::vector<ExprPtr> items)
      : lhs_(std::move(lhs)), items_(std::move(items)) {}
  Value eval(const Context& ctx) const override;

 private:
  ExprPtr lhs_;
  std::vector<ExprPtr> items_;
};

class IsNullNode final : public Expr {
 public:
  IsNullNode(ExprPtr a, bool negated) : a_(std::move(a)), negated_(negated) {}
  Value eval(const Context& ctx) const override {
    Value s;
    return Value::boolean(a_->peek(ctx, s)->is_null() != negated_);
  }

 private:
  ExprPtr a_;
  bool negated_;
};

class IfNode final : public PeekNode {
 public:
  IfNode(ExprPtr c, ExprPtr a, ExprPtr b) : c_(std::move(c)), a_(std::move(a)), b_(std::move(b)) {}
  const Value* peek(const Context& ctx, Value& scratch) const override;

 private:
  ExprPtr c_, a_, b_;
};

}  // namespace sluice::eval
