#include "operators/aggregate/agg_state.h"

#include <algorithm>

#include "dsl/eval/expr.h"

namespace sluice::operators::aggregate {
namespace {

bool list_eq(const List& a, const List& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i]) || a[i].type() != b[i].type()) return false;
  }
  return true;
}

Decimal exact_of(const Value& v) {
  switch (v.type()) {
    case Type::Int:
      return Decimal(v.as_int(), 0);
    case Type::UInt:
      return Decimal(static_cast<int128>(v.as_uint()), 0);
    default:
      return v.as_decimal();
  }
}

void apply_sum(SumState& s, const Value& v, int sign) {
  Type t = v.type();
  if (t == Type::Float) {
    if (sign < 0 && s.n_float == 0) return;
    s.n_float += sign;
    s.fsum = s.n_float == 0 ? 0 : s.fsum + (sign > 0 ? v.as_float() : -v.as_float());
    return;
  }
  int64_t& n = t == Type::Int ? s.n_int : (t == Type::UInt ? s.n_uint : s.n_dec);
  if (sign < 0 && n == 0) return;
  Decimal d = exact_of(v);
  auto r = sign > 0 ? s.sum.add(d) : s.sum.sub(d);
  if (!r) throw eval::eval_error(eval::errc::overflow, "sum: the exact sum exceeds 76 digits");
  s.sum = *r;
  n += sign;
  if (t == Type::Decimal) {
    auto sc = static_cast<uint8_t>(d.scale());
    auto it = std::find_if(s.scales.begin(), s.scales.end(),
                           [&](const auto& p) { return p.first == sc; });
    if (it == s.scales.end()) {
      s.scales.emplace_back(sc, sign);
    } else {
      it->second += sign;
      if (it->second <= 0) s.scales.erase(it);
    }
  }
}

// The exact sum at the largest scale still present (exact: retracted digits are zeros).
Decimal exact_sum(const SumState& s) {
  auto r = s.sum.rescale(s.max_scale());
  return r ? *r : s.sum;
}

Value sum_result(const SumState& s) {
  if (s.n_int + s.n_uint + s.n_dec + s.n_float == 0) return Value::null();
  if (s.n_float > 0) return Value::float64(s.fsum + s.sum.to_double());
  Decimal d = exact_sum(s);
  if (s.n_dec > 0 || d.is_wide()) return Value::decimal(d);
  int128 u = d.unscaled();
  if (s.n_int == 0) {  // only unsigned inputs
    if (u >= 0 && u <= static_cast<int128>(UINT64_MAX)) {
      return Value::uint64(static_cast<uint64_t>(u));
    }
  } else if (u >= INT64_MIN && u <= INT64_MAX) {
    return Value::int64(static_cast<int64_t>(u));
  }
  return Value::decimal(d);  // beyond 64 bits: the exact value as a decimal of scale 0
}

Value avg_result(const SumState& s) {
  int64_t n = s.n_int + s.n_uint + s.n_dec;
  if (n + s.n_float == 0) return Value::null();
  if (s.n_float > 0) {
    return Value::float64((s.fsum + s.sum.to_double()) / static_cast<double>(n + s.n_float));
  }
  Decimal total = exact_sum(s);
  for (int scale = std::min(total.scale() + 4, Decimal::kMaxScale); scale >= 0; --scale) {
    auto q = total.div(Decimal(n, 0), scale);
    if (q) return Value::decimal(*q);
  }
  throw eval::eval_error(eval::errc::overflow, "avg: the result does not fit 76 digits");
}

}  // namespace

int SumState::max_scale() const {
  int m = 0;
  for (const auto& p : scales) m = std::max(m, static_cast<int>(p.first));
  return m;
}

std::optional<AggFn> agg_fn(const std::string& name, size_t nargs) {
  struct E {
    const char* name;
    AggFn fn;
  };
  static const E table[] = {{"count_distinct", AggFn::CountDistinct},
                            {"sum", AggFn::Sum},
                            {"avg", AggFn::Avg},
                            {"min", AggFn::Min},
                            {"max", AggFn::Max},
                            {"first", AggFn::First},
                            {"last", AggFn::Last},
                            {"collect_set", AggFn::CollectSet},
                            {"collect_list", AggFn::CollectList}};
  if (name == "count") {
    if (nargs == 0) return AggFn::CountAll;
    if (nargs == 1) return AggFn::Count;
    return std::nullopt;
  }
  for (const E& e : table) {
    if (name == e.name) return nargs == 1 ? std::optional<AggFn>(e.fn) : std::nullopt;
  }
  return std::nullopt;
}

bool is_ordered(AggFn f) {
  return f == AggFn::First || f == AggFn::Last || f == AggFn::CollectList;
}

Slot make_slot(AggFn f) {
  switch (f) {
    case AggFn::Sum:
    case AggFn::Avg:
      return Slot(std::in_place_type<SumState>);
    case AggFn::CountDistinct:
    case AggFn::Min:
    case AggFn::Max:
    case AggFn::CollectSet:
      return Slot(std::in_place_type<Multiset>);
    default:
      return Slot(int64_t{0});
  }
}

void check_arg(AggFn f, const Value& arg) {
  if ((f == AggFn::Sum || f == AggFn::Avg) && !arg.is_null() && !arg.is_numeric()) {
    throw eval::eval_error(eval::errc::type_mismatch, std::string(f == AggFn::Sum ? "sum" : "avg") +
                                                          ": expected a number, got " +
                                                          type_name(arg.type()));
  }
}

void apply(AggFn f, Slot& s, const Value& arg, int sign) {
  switch (f) {
    case AggFn::Count: {
      if (arg.is_null()) return;
      int64_t& n = std::get<int64_t>(s);
      if (sign < 0 && n == 0) return;
      n += sign;
      return;
    }
    case AggFn::Sum:
    case AggFn::Avg:
      if (!arg.is_null()) apply_sum(std::get<SumState>(s), arg, sign);
      return;
    case AggFn::CountDistinct:
    case AggFn::Min:
    case AggFn::Max:
    case AggFn::CollectSet: {
      if (arg.is_null()) return;
      Multiset& m = std::get<Multiset>(s);
      if (sign > 0) {
        ++m[arg];
      } else {
        auto it = m.find(arg);
        if (it != m.end() && --it->second <= 0) m.erase(it);
      }
      return;
    }
    default:
      return;
  }
}

void keep_extreme(AggFn f, Slot& s, const Value& arg) {
  if (arg.is_null()) return;
  Multiset& m = std::get<Multiset>(s);
  if (!m.empty()) {
    const Value& cur = m.begin()->first;
    const ValueLess less;
    // Equal values keep the first one added, as the full multiset does.
    if (!(f == AggFn::Min ? less(arg, cur) : less(cur, arg))) return;
    m.clear();
  }
  m.emplace(arg, 1);
}

void prune_to_extreme(AggFn f, Slot& s) {
  Multiset& m = std::get<Multiset>(s);
  if (m.size() < 2) return;
  Value keep = f == AggFn::Min ? m.begin()->first : m.rbegin()->first;
  m.clear();
  m.emplace(std::move(keep), 1);
}

Value extreme_of(const Slot& s) {
  const Multiset& m = std::get<Multiset>(s);
  return m.empty() ? Value::null() : m.begin()->first;
}

void set_extreme(Slot& s, const Value& v) {
  Multiset& m = std::get<Multiset>(s);
  m.clear();
  if (!v.is_null()) m.emplace(v, 1);
}

Value agg_result(AggFn f, const Slot& s, int64_t rows) {
  switch (f) {
    case AggFn::CountAll:
      return Value::int64(rows);
    case AggFn::Count:
      return Value::int64(std::get<int64_t>(s));
    case AggFn::CountDistinct:
      return Value::int64(static_cast<int64_t>(std::get<Multiset>(s).size()));
    case AggFn::Sum:
      return sum_result(std::get<SumState>(s));
    case AggFn::Avg:
      return avg_result(std::get<SumState>(s));
    case AggFn::Min: {
      const Multiset& m = std::get<Multiset>(s);
      return m.empty() ? Value::null() : m.begin()->first;
    }
    case AggFn::Max: {
      const Multiset& m = std::get<Multiset>(s);
      return m.empty() ? Value::null() : m.rbegin()->first;
    }
    case AggFn::CollectSet: {
      const Multiset& m = std::get<Multiset>(s);
      List l;
      l.reserve(m.size());
      for (const auto& kv : m) l.push_back(kv.first);
      return Value::list(std::move(l));
    }
    default:
      return Value::null();
  }
}

void merge(AggFn f, Slot& into, const Slot& from) {
  if (auto* n = std::get_if<int64_t>(&into)) {
    if (f == AggFn::Count) *n += std::get<int64_t>(from);
  } else if (auto* a = std::get_if<SumState>(&into)) {
    const SumState& b = std::get<SumState>(from);
    auto sum = a->sum.add(b.sum);
    if (!sum) throw eval::eval_error(eval::errc::overflow, "sum: the exact sum exceeds 76 digits");
    a->sum = *sum;
    a->n_int += b.n_int;
    a->n_uint += b.n_uint;
    a->n_dec += b.n_dec;
    a->n_float += b.n_float;
    a->fsum += b.fsum;
    for (const auto& sc : b.scales) {
      auto it = std::find_if(a->scales.begin(), a->scales.end(),
                             [&](const auto& p) { return p.first == sc.first; });
      if (it == a->scales.end()) {
        a->scales.push_back(sc);
      } else {
        it->second += sc.second;
      }
    }
  } else {
    Multiset& m = std::get<Multiset>(into);
    for (const auto& [v, count] : std::get<Multiset>(from)) m[v] += count;
  }
}

void encode(const Slot& s, std::string& out) {
  using namespace state_codec;
  if (const auto* n = std::get_if<int64_t>(&s)) {
    put_int(*n, out);
  } else if (const auto* ss = std::get_if<SumState>(&s)) {
    put_int(ss->n_int, out);
    put_int(ss->n_uint, out);
    put_int(ss->n_dec, out);
    put_int(ss->n_float, out);
    put(Value::decimal(ss->sum), out);
    put(Value::float64(ss->fsum), out);
    put_uint(ss->scales.size(), out);
    for (const auto& p : ss->scales) {
      put_int(p.first, out);
      put_int(p.second, out);
    }
  } else {
    const Multiset& m = std::get<Multiset>(s);
    put_uint(m.size(), out);
    for (const auto& kv : m) {
      put(kv.first, out);
      put_int(kv.second, out);
    }
  }
}

void decode(AggFn f, Slot& s, state_codec::Reader& r) {
  s = make_slot(f);
  if (auto* n = std::get_if<int64_t>(&s)) {
    *n = r.int64();
  } else if (auto* ss = std::get_if<SumState>(&s)) {
    ss->n_int = r.int64();
    ss->n_uint = r.int64();
    ss->n_dec = r.int64();
    ss->n_float = r.int64();
    Value d = r.value();
    Value fl = r.value();
    if (d.type() == Type::Decimal) ss->sum = d.as_decimal();
    if (fl.type() == Type::Float) ss->fsum = fl.as_float();
    uint64_t k = r.uint64();
    for (uint64_t i = 0; i < k && r.ok(); ++i) {
      auto sc = static_cast<uint8_t>(r.int64());
      ss->scales.emplace_back(sc, r.int64());
    }
  } else {
    Multiset& m = std::get<Multiset>(s);
    uint64_t k = r.uint64();
    for (uint64_t i = 0; i < k && r.ok(); ++i) {
      Value v = r.value();
      int64_t c = r.int64();
      m.emplace_hint(m.end(), std::move(v), c);
    }
  }
}

void Arrival::add(uint64_t seq, ArrivalEntry e) {
  if (!e.row_id.is_null()) by_row[e.row_id] = seq;
  by_seq.emplace(seq, std::move(e));
}

void Arrival::merge(const Arrival& other) {
  for (const auto& [seq, e] : other.by_seq) {
    auto r = e.row_id.is_null() ? by_row.end() : by_row.find(e.row_id);
    if (r == by_row.end() || r->second < seq) {
      if (!e.row_id.is_null()) by_row[e.row_id] = seq;
    }
    by_seq.emplace(seq, e);
  }
}

void Arrival::erase(uint64_t seq) {
  auto e = by_seq.find(seq);
  if (e == by_seq.end()) return;
  if (!e->second.row_id.is_null()) {
    auto r = by_row.find(e->second.row_id);
    if (r != by_row.end() && r->second == seq) by_row.erase(r);
  }
  by_seq.erase(e);
}

std::optional<uint64_t> Arrival::retract(const Value& row_id, const List& vals) {
  if (!row_id.is_null()) {
    auto it = by_row.find(row_id);
    if (it != by_row.end()) {
      auto e = by_seq.find(it->second);
      if (e != by_seq.end() && list_eq(e->second.vals, vals)) {
        uint64_t seq = e->first;
        by_seq.erase(e);
        by_row.erase(it);
        return seq;
      }
    }
  }
  for (auto e = by_seq.begin(); e != by_seq.end(); ++e) {
    if (!list_eq(e->second.vals, vals)) continue;
    uint64_t seq = e->first;
    if (!e->second.row_id.is_null()) {
      auto r = by_row.find(e->second.row_id);
      if (r != by_row.end() && r->second == seq) by_row.erase(r);
    }
    by_seq.erase(e);
    return seq;
  }
  return std::nullopt;
}

Value Arrival::first(size_t i) const {
  return by_seq.empty() ? Value::null() : by_seq.begin()->second.vals[i];
}

Value Arrival::last(size_t i) const {
  return by_seq.empty() ? Value::null() : by_seq.rbegin()->second.vals[i];
}

Value Arrival::collect(size_t i) const {
  List l;
  for (const auto& kv : by_seq) {
    if (!kv.second.vals[i].is_null()) l.push_back(kv.second.vals[i]);
  }
  return Value::list(std::move(l));
}

void Arrival::encode(std::string& out) const {
  using namespace state_codec;
  put_uint(by_seq.size(), out);
  for (const auto& kv : by_seq) {
    put_uint(kv.first, out);
    put(kv.second.row_id, out);
    put_uint(kv.second.vals.size(), out);
    for (const Value& v : kv.second.vals) put(v, out);
  }
}

void Arrival::decode(state_codec::Reader& r) {
  uint64_t n = r.uint64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    uint64_t seq = r.uint64();
    ArrivalEntry e;
    e.row_id = r.value();
    uint64_t k = r.uint64();
    for (uint64_t j = 0; j < k && r.ok(); ++j) e.vals.push_back(r.value());
    add(seq, std::move(e));
  }
}

}  // namespace sluice::operators::aggregate
