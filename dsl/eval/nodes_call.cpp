#include "dsl/eval/nodes_call.h"

#include <cstring>

#include "dsl/eval/builtins.h"

namespace sluice::eval {

Value CallNode::eval(const Context& ctx) const {
  constexpr size_t kInline = 4;
  const size_t n = args_.size();
  if (n <= kInline) {
    Value scratch[kInline];
    // Bitwise views of the argument values: borrowed, never destroyed (the owners are the row
    // or `scratch`), so field reads are not copied.
    alignas(Value) unsigned char raw[kInline * sizeof(Value)];
    auto* view = reinterpret_cast<Value*>(raw);
    for (size_t i = 0; i < n; ++i) {
      const Value* p = args_[i]->peek(ctx, scratch[i]);
      if (spec_->null_propagates && p->is_null()) return Value();
      std::memcpy(static_cast<void*>(view + i), static_cast<const void*>(p), sizeof(Value));
    }
    return spec_->impl(view, n, ctx);
  }
  std::vector<Value> vals;
  vals.reserve(n);
  for (const auto& a : args_) {
    vals.push_back(a->eval(ctx));
    if (spec_->null_propagates && vals.back().is_null()) return Value();
  }
  return spec_->impl(vals.data(), n, ctx);
}

Value RegexMatchNode::eval(const Context& ctx) const {
  Value s;
  const Value* v = s_->peek(ctx, s);
  if (v->is_null()) return Value();
  if (v->type() != Type::String) builtins::type_error("regex_match", 1, *v, "a string");
  return Value::boolean(std::regex_search(v->as_string(), re_));
}

Value ListNode::eval(const Context& ctx) const {
  List l;
  l.reserve(items_.size());
  for (const auto& i : items_) l.push_back(i->eval(ctx));
  return Value::list(std::move(l));
}

Value ObjectNode::eval(const Context& ctx) const {
  Object o;
  o.reserve(names_.size());
  for (size_t i = 0; i < names_.size(); ++i) o.set(names_[i], values_[i]->eval(ctx));
  return Value::object(std::move(o));
}

}  // namespace sluice::eval
