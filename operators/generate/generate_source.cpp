#include "operators/generate/generate_source.h"

#include <algorithm>

#include "base/temporal.h"
#include "operators/common/stage_options.h"
#include "operators/generate/generate_spec.h"

namespace sluice::operators::generate {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

result<std::unique_ptr<Source>> GenerateSource::make(const StageConfig& cfg) {
  auto read = bound_source_spec().read(cfg);
  if (!read.ok()) return read.err();
  const GenerateOptions& o = read.value();
  std::unique_ptr<GenerateSource> s(new GenerateSource());
  s->count_ = o.count.value_or(-1);
  s->rate_ = std::max<int64_t>(o.rate.value_or(0), 0);
  // Prefer the literal as written (300/m stays exact instead of 5/s; 1/m is not 0/s).
  if (cfg.ast != nullptr) {
    for (const ast::Option& o : cfg.ast->options) {
      if (o.name == "rate" && o.value && o.value->kind == ast::ExprKind::Literal &&
          o.value->unit == ast::LitUnit::Rate && o.value->rate_period_us > 0 &&
          o.value->literal.type() == Type::Int && o.value->literal.as_int() > 0) {
        s->rate_ = o.value->literal.as_int();
        s->rate_period_us_ = o.value->rate_period_us;
      }
    }
  }
  s->seed_ = o.seed;
  if (const ast::Option* block = find_block(cfg.ast, "fields")) {
    eval::Scope scope;
    scope.allow_generate = true;
    for (const ast::Option& f : block->block) {
      if (f.is_block || !f.value) {
        return error::fatal("source generate " + cfg.name + ": field " + f.name +
                            " needs `= EXPR`");
      }
      auto c = eval::compile(*f.value, scope);
      if (!c.ok()) {
        return error::fatal("source generate " + cfg.name + ": field " + f.name + ": " +
                            c.err().message);
      }
      s->fields_.push_back({intern(f.name), std::move(c.value())});
    }
  }
  auto m = std::make_shared<SourceMeta>();
  m->connector = "generate";
  m->name = cfg.name;
  m->table = cfg.name;
  s->meta_ = std::move(m);
  return std::unique_ptr<Source>(std::move(s));
}

void GenerateSource::reseed(int64_t block) {
  gen_.rng.seed(
      splitmix64(static_cast<uint64_t>(seed_) ^ splitmix64(static_cast<uint64_t>(block))));
}

void GenerateSource::build(Event& e, int64_t now) {
  if (produced_ % kBlock == 0) reseed(produced_ / kBlock);
  ++produced_;
  gen_.seq = produced_;
  e.op = Op::Create;
  e.ts = now;
  e.position = Value::int64(produced_);
  e.source = meta_;
  // Room for the fields later stages usually add, so a `set` does not reallocate.
  e.row.reserve(fields_.size() + 4);
  eval::Context ctx;
  ctx.event = &e;
  ctx.row = &e.row;
  ctx.gen = &gen_;
  ctx.now = now;
  for (const FieldExpr& f : fields_) {
    Value v = f.expr->eval(ctx);
    e.row.append(f.name, std::move(v));
  }
}

result<void> GenerateSource::open(const std::string& state) {
  int64_t pos = 0;
  if (!state.empty()) {
    try {
      pos = std::stoll(state);
    } catch (const std::exception&) {
      return error::fatal("source generate: bad checkpoint state '" + state + "'");
    }
  }
  if (pos < 0) pos = 0;
  // Replay the draws of the records of pos's block that came before it.
  produced_ = pos - pos % kBlock;
  const int64_t now = temporal::now_micros();
  try {
    while (produced_ < pos) {
      Event scratch;
      build(scratch, now);
    }
  } catch (const std::exception& ex) {
    return error::fatal(std::string("source generate: ") + ex.what());
  }
  produced_ = pos;
  started_ = false;
  return {};
}

result<Source::Poll> GenerateSource::poll(size_t max, std::vector<Event>& out) {
  int64_t n = static_cast<int64_t>(max);
  if (count_ >= 0) {
    if (produced_ >= count_) return Poll::End;
    n = std::min(n, count_ - produced_);
  }
  if (rate_ > 0) {
    auto now = std::chrono::steady_clock::now();
    if (!started_) {
      started_ = true;
      start_ = now;
      paced_base_ = produced_;
    }
    int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - start_).count();
    // Allow a first record at once, then `rate` per period.
    int64_t allowed = 1 + static_cast<int64_t>(static_cast<__int128>(rate_) * us / rate_period_us_);
    int64_t budget = allowed - (produced_ - paced_base_);
    if (budget <= 0) return Poll::Idle;
    n = std::min(n, budget);
  }
  if (n <= 0) return Poll::Idle;
  const int64_t now_us = temporal::now_micros();
  out.reserve(out.size() + static_cast<size_t>(n));
  const int64_t before = produced_;
  try {
    for (int64_t i = 0; i < n; ++i) build(out.emplace_back(), now_us);
  } catch (const std::exception& ex) {
    // Undo the partial batch so the position stays exact.
    out.resize(out.size() - static_cast<size_t>(produced_ - before));
    produced_ = before;
    return error::fatal("source generate: record " + std::to_string(before + 1) + ": " + ex.what());
  }
  return Poll::Data;
}

}  // namespace sluice::operators::generate
