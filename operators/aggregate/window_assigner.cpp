#include "operators/aggregate/window_assigner.h"

#include "dsl/eval/expr.h"
#include "operators/common/statements/loc_text.h"

namespace sluice::operators::aggregate {
namespace {

constexpr int64_t kDayUs = 86400LL * 1000000LL;

int64_t floor_to(int64_t v, int64_t w) {
  int64_t q = v / w;
  if (v % w != 0 && v < 0) --q;
  return q * w;
}

// The duration literal `a` in micros, or 0 when it is none (or not positive).
int64_t duration_arg(const ast::ExprPtr& a) {
  if (!a || a->kind != ast::ExprKind::Literal || a->unit != ast::LitUnit::Duration) return 0;
  int64_t us = a->literal.as_int();
  return us > 0 ? us : 0;
}

}  // namespace

result<WindowAssigner> WindowAssigner::from(const ast::Statement& st) {
  const ast::Expr* c = st.exprs.empty() ? nullptr : st.exprs[0].get();
  const std::string where = statements::loc_text(st.loc);
  if (c == nullptr || st.paths.empty()) {
    return error::fatal(where + "window needs KIND(DURATION) on FIELD");
  }
  WindowAssigner w;
  const size_t want = c->op == "hopping" ? 2 : 1;
  if (c->op == "tumbling") w.kind_ = WindowKind::Tumbling;
  if (c->op == "hopping") w.kind_ = WindowKind::Hopping;
  if (c->op == "session") w.kind_ = WindowKind::Session;
  if (w.kind_ == WindowKind::None || c->args.size() != want) {
    return error::fatal(where +
                        "window needs tumbling(SIZE), hopping(SIZE, ADVANCE) or session(GAP) on "
                        "FIELD");
  }
  w.size_ = duration_arg(c->args[0]);
  w.advance_ = want == 2 ? duration_arg(c->args[1]) : w.size_;
  if (w.size_ == 0 || w.advance_ == 0) {
    return error::fatal(where + "the window durations must be positive durations like 1h");
  }
  if (w.advance_ > w.size_ || w.size_ % w.advance_ != 0) {
    return error::fatal(where +
                        "hopping(SIZE, ADVANCE): the size must be a multiple of the advance");
  }
  for (const auto& seg : st.paths[0].segments) w.path_.push_back(intern(seg));
  return w;
}

std::optional<int64_t> WindowAssigner::event_time(const Value* v) const {
  if (v == nullptr || v->is_null()) return std::nullopt;
  switch (v->type()) {
    case Type::DateTime:
    case Type::Timestamp:
      return v->as_micros();
    case Type::Date:
      return static_cast<int64_t>(v->as_date()) * kDayUs;
    default:
      throw eval::eval_error(eval::errc::type_mismatch,
                             std::string("window: ") + sym_name(path_.back()) + " is a " +
                                 type_name(v->type()) + ", expected a date, datetime or timestamp");
  }
}

void WindowAssigner::starts(int64_t t, std::vector<int64_t>& out) const {
  out.clear();
  const int64_t last = floor_to(t, advance_);
  for (int64_t s = last - size_ + advance_; s <= last; s += advance_) out.push_back(s);
}

int64_t WindowAssigner::first_end(int64_t t) const {
  if (kind_ == WindowKind::Session) return t + size_;
  return floor_to(t, advance_) + advance_;
}

Value WindowAssigner::bound_value(int64_t us, Type field_type) const {
  switch (field_type) {
    case Type::Timestamp:
      return Value::timestamp(us);
    case Type::Date:
      if (advance_ % kDayUs == 0 && us % kDayUs == 0) {
        return Value::date(static_cast<int32_t>(us / kDayUs));
      }
      return Value::datetime(us);
    default:
      return Value::datetime(us);
  }
}

std::optional<int64_t> WindowAssigner::bound_micros(const Value& v) {
  switch (v.type()) {
    case Type::DateTime:
    case Type::Timestamp:
      return v.as_micros();
    case Type::Date:
      return static_cast<int64_t>(v.as_date()) * kDayUs;
    default:
      return std::nullopt;
  }
}

}  // namespace sluice::operators::aggregate
