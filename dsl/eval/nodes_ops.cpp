#include "dsl/eval/nodes_ops.h"

#include "base/enum_names.h"
#include "dsl/eval/arith.h"
#include "dsl/eval/eval_util.h"

namespace sluice::eval {
namespace {

const char* op_text(BinOp op) {
  static constexpr const char* kTexts[] = {
      "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="};
  static_assert(std::size(kTexts) == enum_count(BinOp::Ge));
  return enum_name(op, kTexts, "?");
}

// -1 false, 0 null, 1 true
int truth(const Value& v, const char* what) {
  if (v.is_null()) return 0;
  if (v.type() != Type::Bool)
    fail(errc::type_mismatch, std::string(what) + " needs a bool, got " + type_name(v.type()));
  return v.as_bool() ? 1 : -1;
}

}  // namespace

Value ArithNode::eval(const Context& ctx) const {
  Value sa, sb;
  const Value* a = l_->peek(ctx, sa);
  if (a->is_null()) return Value();
  const Value* b = r_->peek(ctx, sb);
  if (b->is_null()) return Value();
  Type ta = a->type(), tb = b->type();
  // Fast paths: int op int and decimals of equal scale.
  if (ta == Type::Int && tb == Type::Int) {
    int64_t x = a->as_int(), y = b->as_int(), r;
    switch (op_) {
      case BinOp::Add:
        if (__builtin_add_overflow(x, y, &r)) fail(errc::overflow, "int overflow in '+'");
        return Value::int64(r);
      case BinOp::Sub:
        if (__builtin_sub_overflow(x, y, &r)) fail(errc::overflow, "int overflow in '-'");
        return Value::int64(r);
      case BinOp::Mul:
        if (__builtin_mul_overflow(x, y, &r)) fail(errc::overflow, "int overflow in '*'");
        return Value::int64(r);
      default:
        break;
    }
  } else if (ta == Type::Decimal && tb == Type::Decimal && op_ == BinOp::Add) {
    auto r = a->as_decimal().add(b->as_decimal());
    if (!r) fail(errc::overflow, "decimal overflow in '+' (more than 76 digits)");
    return Value::decimal(*r);
  }
  switch (op_) {
    case BinOp::Add:
      return arith::add(*a, *b);
    case BinOp::Sub:
      return arith::sub(*a, *b);
    case BinOp::Mul:
      return arith::mul(*a, *b);
    case BinOp::Div:
      return arith::div(*a, *b);
    case BinOp::Rem:
      return arith::rem(*a, *b);
    default:
      break;
  }
  fail("internal: bad arithmetic operator");
}

Value CompareNode::eval(const Context& ctx) const {
  Value sa, sb;
  const Value* a = l_->peek(ctx, sa);
  if (a->is_null()) return Value();
  const Value* b = r_->peek(ctx, sb);
  if (b->is_null()) return Value();
  if (a->type() == Type::Int && b->type() == Type::Int) {  // fast path
    int64_t x = a->as_int(), y = b->as_int();
    switch (op_) {
      case BinOp::Eq:
        return Value::boolean(x == y);
      case BinOp::Ne:
        return Value::boolean(x != y);
      case BinOp::Lt:
        return Value::boolean(x < y);
      case BinOp::Le:
        return Value::boolean(x <= y);
      case BinOp::Gt:
        return Value::boolean(x > y);
      case BinOp::Ge:
        return Value::boolean(x >= y);
      default:
        break;
    }
  }
  int c;
  Type ta = a->type(), tb = b->type();
  if ((ta == Type::Decimal && (tb == Type::Decimal || tb == Type::Int)) ||
      (ta == Type::Int && tb == Type::Decimal)) {  // fast path: exact numbers
    c = arith::to_decimal(*a).compare(arith::to_decimal(*b));
  } else {
    switch (op_) {
      case BinOp::Eq:
        return Value::boolean(arith::equals(*a, *b));
      case BinOp::Ne:
        return Value::boolean(!arith::equals(*a, *b));
      default:
        break;
    }
    c = arith::order(*a, *b, op_text(op_));
    if (c == 2) return Value::boolean(false);  // NaN: unordered
  }
  switch (op_) {
    case BinOp::Eq:
      return Value::boolean(c == 0);
    case BinOp::Ne:
      return Value::boolean(c != 0);
    case BinOp::Lt:
      return Value::boolean(c < 0);
    case BinOp::Le:
      return Value::boolean(c <= 0);
    case BinOp::Gt:
      return Value::boolean(c > 0);
    case BinOp::Ge:
      return Value::boolean(c >= 0);
    default:
      break;
  }
  fail("internal: bad comparison operator");
}

Value LogicNode::eval(const Context& ctx) const {
  const char* what = and_ ? "'and'" : "'or'";
  Value sa;
  int a = truth(*l_->peek(ctx, sa), what);
  if (and_ && a < 0) return Value::boolean(false);
  if (!and_ && a > 0) return Value::boolean(true);
  Value sb;
  int b = truth(*r_->peek(ctx, sb), what);
  if (and_) {
    if (b < 0) return Value::boolean(false);
    if (a == 0 || b == 0) return Value();
    return Value::boolean(true);
  }
  if (b > 0) return Value::boolean(true);
  if (a == 0 || b == 0) return Value();
  return Value::boolean(false);
}

Value NotNode::eval(const Context& ctx) const {
  Value s;
  int a = truth(*a_->peek(ctx, s), "'not'");
  if (a == 0) return Value();
  return Value::boolean(a < 0);
}

Value NegNode::eval(const Context& ctx) const {
  Value s;
  const Value* a = a_->peek(ctx, s);
  if (a->is_null()) return Value();
  return arith::neg(*a);
}

Value InNode::eval(const Context& ctx) const {
  Value s;
  const Value* a = lhs_->peek(ctx, s);
  if (a->is_null()) return Value();
  bool saw_null = false;
  for (const auto& item : items_) {
    Value si;
    const Value* v = item->peek(ctx, si);
    if (v->is_null()) {
      saw_null = true;
      continue;
    }
    if (arith::equals(*a, *v)) return Value::boolean(true);
  }
  if (saw_null) return Value();
  return Value::boolean(false);
}

const Value* IfNode::peek(const Context& ctx, Value& scratch) const {
  Value sc;
  const Value* c = c_->peek(ctx, sc);
  if (!c->is_null() && c->type() != Type::Bool)
    fail(errc::type_mismatch,
         std::string("'if' needs a bool condition, got ") + type_name(c->type()));
  if (!c->is_null() && c->as_bool()) return a_->peek(ctx, scratch);
  return b_->peek(ctx, scratch);
}

}  // namespace sluice::eval
