// Evaluator nodes that read values: literals, row fields, join inputs and @meta.
#pragma once
#include <vector>

#include "base/event.h"
#include "dsl/eval/expr.h"

namespace sluice::eval {

inline const Value& null_value() {
  static const Value kNull;
  return kNull;
}

// A node that computes in peek(): eval() takes the scratch value or copies what peek() points at.
class PeekNode : public Expr {
 public:
  Value eval(const Context& ctx) const override {
    Value s;
    const Value* p = peek(ctx, s);
    if (p == &s) return s;
    return *p;
  }
};

class LiteralNode final : public Expr {
 public:
  explicit LiteralNode(Value v) : value_(std::move(v)) {}
  Value eval(const Context&) const override { return value_; }
  const Value* peek(const Context&, Value&) const override { return &value_; }
  const Value& value() const { return value_; }

 private:
  Value value_;
};

// A bare field path of the row: balance, address.city.
class FieldNode final : public Expr {
 public:
  explicit FieldNode(std::vector<Sym> path) : path_(std::move(path)) {}
  const Value* peek(const Context& ctx, Value&) const override {
    if (ctx.row == nullptr) return &null_value();
    const Value* v = path_.size() == 1 ? ctx.row->find(path_[0])
                                       : ctx.row->find_path(path_.data(), path_.size());
    return v != nullptr ? v : &null_value();
  }
  Value eval(const Context& ctx) const override {
    Value s;
    return *peek(ctx, s);
  }

 private:
  std::vector<Sym> path_;
};

// `stage.field` in a join: reads (*ctx.inputs)[index]; a missing side reads as null.
class JoinFieldNode final : public PeekNode {
 public:
  JoinFieldNode(size_t index, std::vector<Sym> path) : index_(index), path_(std::move(path)) {}
  const Value* peek(const Context& ctx, Value& scratch) const override {
    if (ctx.inputs == nullptr || index_ >= ctx.inputs->size()) return &null_value();
    const Object* row = (*ctx.inputs)[index_];
    if (row == nullptr) return &null_value();
    if (path_.empty()) {  // the whole input row
      scratch = Value::object(*row);
      return &scratch;
    }
    const Value* v = row->find_path(path_.data(), path_.size());
    return v != nullptr ? v : &null_value();
  }

 private:
  size_t index_;
  std::vector<Sym> path_;
};

// @op @before[.path] @source[.db|.table|.name|.connector] @table @ts @position @key
class MetaNode final : public PeekNode {
 public:
  enum class Kind : uint8_t {
    Op,
    Before,
    Source,
    SourceDb,
    SourceTable,
    SourceName,
    SourceConnector,
    Ts,
    Position,
    Key
  };
  MetaNode(Kind k, std::vector<Sym> path) : kind_(k), path_(std::move(path)) {}
  const Value* peek(const Context& ctx, Value& scratch) const override;

 private:
  Kind kind_;
  std::vector<Sym> path_;  // Before: the sub-path
};

}  // namespace sluice::eval
