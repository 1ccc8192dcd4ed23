#include "fakes.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "dsl/loader.h"
#include "engine/core/errc.h"

namespace sluice::test {
namespace {

using dsl::OptionSpec;
using dsl::OptType;

// Every Fakes ever made stays alive until exit: actors of an earlier test may still hold
// references to its stores when the next test resets.
std::vector<std::unique_ptr<Fakes>>& all_fakes() {
  static std::vector<std::unique_ptr<Fakes>> all;
  return all;
}
Fakes* g_fakes = all_fakes().emplace_back(std::make_unique<Fakes>()).get();

OptionSpec opt(const std::string& name, OptType t, const std::string& def = "") {
  OptionSpec s;
  s.name = name;
  s.type = t;
  s.default_text = def;
  return s;
}

class CounterSource : public Source {
 public:
  explicit CounterSource(const StageConfig& cfg)
      : name_(cfg.name),
        count_(cfg.option_int("count", -1)),
        key_mod_(cfg.option_int("key_mod", 0)),
        idle_after_(cfg.option_int("idle_after", -1)),
        pace_us_(cfg.option_int("pace_us", 0)) {
    auto m = std::make_shared<SourceMeta>();
    m->connector = "counter";
    m->name = cfg.name;
    m->table = "t";
    meta_ = m;
    id_sym_ = intern("id");
    k_sym_ = intern("k");
  }
  result<void> open(const std::string& state) override {
    fakes().log_open(name_, state);
    next_ = state.empty() ? 0 : std::stoll(state);
    return {};
  }
  result<Poll> poll(size_t max, std::vector<Event>& out) override {
    if (pace_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(pace_us_));
    if (idle_after_ >= 0 && next_ >= idle_after_) return Poll::Idle;
    size_t n = 0;
    while (n < max && (count_ < 0 || next_ < count_) && (idle_after_ < 0 || next_ < idle_after_)) {
      Event e;
      e.op = Op::Create;
      e.row.append(id_sym_, Value::int64(next_));
      if (key_mod_ > 0) {
        e.row.append(k_sym_, Value::int64(next_ % key_mod_));
        e.key = Value::int64(next_ % key_mod_);
      }
      e.position = Value::int64(next_);
      e.source = meta_;
      out.push_back(std::move(e));
      ++next_;
      ++n;
    }
    fakes().emitted_of(name_).fetch_add(static_cast<int64_t>(n));
    if (count_ >= 0 && next_ >= count_) return Poll::End;
    return Poll::Data;
  }
  std::string checkpoint_state() const override { return std::to_string(next_); }

 private:
  std::string name_;
  int64_t count_, key_mod_, idle_after_, pace_us_;
  int64_t next_ = 0;
  std::shared_ptr<const SourceMeta> meta_;
  Sym id_sym_, k_sym_;
};

int64_t id_of(const Event& e) {
  const Value* v = e.row.find(intern("id"));
  return v ? v->as_int() : -1;
}

class StoreSink : public Sink {
 public:
  explicit StoreSink(const StageConfig& cfg)
      : name_(cfg.name),
        source_(cfg.inputs.empty() ? "" : cfg.inputs[0]),
        delay_us_(cfg.option_int("delay_us", 0)),
        checkpoint_delay_us_(cfg.option_int("checkpoint_delay_us", 0)),
        discard_(cfg.option_bool("discard", false)) {
    store_ = fakes().store(cfg.name);
    std::lock_guard<std::mutex> lock(store_->mu);
    if (cfg.instance == 0 && store_->writes == 0) {
      store_->failures_left = static_cast<int>(cfg.option_int("fail_times", 0));
    }
  }
  result<void> open(const std::string& state) override {
    std::lock_guard<std::mutex> lock(store_->mu);
    store_->open_states.push_back(state);
    size_t keep = state.empty() ? 0 : std::stoull(state);
    if (store_->events.size() > keep) store_->events.resize(keep);
    return {};
  }
  result<void> write(std::vector<Event>& events, std::vector<Event>&) override {
    if (delay_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us_));
    std::lock_guard<std::mutex> lock(store_->mu);
    ++store_->writes;
    if (store_->failures_left > 0) {
      --store_->failures_left;
      return error::transient("connection reset (fake)");
    }
    if (!source_.empty()) {
      int64_t in_flight = fakes().emitted_of(source_).load() - written_;
      store_->max_in_flight = std::max(store_->max_in_flight, in_flight);
    }
    written_ += static_cast<int64_t>(events.size());
    if (discard_) return {};
    for (auto& e : events) {
      StoredEvent s;
      s.id = id_of(e);
      s.key = e.key.is_null() ? -1 : e.key.as_int();
      s.position = e.position;
      s.dead = e.dead_letter;
      store_->events.push_back(std::move(s));
    }
    return {};
  }
  result<std::string> checkpoint(uint64_t id) override {
    if (checkpoint_delay_us_ > 0) {  // a big state written at every checkpoint
      std::this_thread::sleep_for(std::chrono::microseconds(checkpoint_delay_us_));
    }
    std::lock_guard<std::mutex> lock(store_->mu);
    store_->checkpoints.push_back(id);
    return std::to_string(store_->events.size());
  }

 private:
  std::string name_, source_;
  int64_t delay_us_, checkpoint_delay_us_;
  bool discard_;
  int64_t written_ = 0;
  std::shared_ptr<Store> store_;
};

class FakeProcessor : public Processor {
 public:
  explicit FakeProcessor(const StageConfig& cfg) : name_(cfg.name) {}
  result<void> open(const std::string& state) override {
    fakes().log_open(name_, state);
    count_ = state.empty() ? 0 : std::stoll(state);
    return {};
  }
  void process(size_t, std::vector<Event>& in, std::vector<Event>& out,
               std::vector<Event>& dead) override {
    if (name_.rfind("boom", 0) == 0) throw std::runtime_error("boom: bug in processor");
    const bool odd = name_.rfind("odd", 0) == 0;
    for (auto& e : in) {
      ++count_;
      if (odd && id_of(e) % 2 != 0) {
        auto info = std::make_shared<DeadLetterInfo>();
        info->code = engine::errc::require_failed;
        info->message = "odd id (token hunter2)";
        e.dead_letter = info;
        dead.push_back(std::move(e));
      } else {
        out.push_back(std::move(e));
      }
    }
    in.clear();
  }
  std::string checkpoint_state() const override { return std::to_string(count_); }

 private:
  std::string name_;
  int64_t count_ = 0;
};

}  // namespace

std::shared_ptr<Store> Fakes::store(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu);
  auto& s = stores[name];
  if (!s) s = std::make_shared<Store>();
  return s;
}

std::atomic<int64_t>& Fakes::emitted_of(const std::string& source) {
  std::lock_guard<std::mutex> lock(mu);
  return emitted[source];
}

void Fakes::log_open(const std::string& stage, const std::string& state) {
  std::lock_guard<std::mutex> lock(mu);
  opens[stage].push_back(state);
}

std::vector<std::string> Fakes::opens_of(const std::string& stage) {
  std::lock_guard<std::mutex> lock(mu);
  return opens[stage];
}

Fakes& fakes() { return *g_fakes; }

void reset_fakes() { g_fakes = all_fakes().emplace_back(std::make_unique<Fakes>()).get(); }

OperatorRegistry make_registry() {
  OperatorRegistry reg;
  {
    OperatorKind k;
    k.spec.role = dsl::Role::Source;
    k.spec.kind = "counter";
    k.spec.options = {opt("count", OptType::Int), opt("key_mod", OptType::Int, "0"),
                      opt("idle_after", OptType::Int), opt("pace_us", OptType::Int, "0"),
                      opt("password", OptType::Secret)};
    k.source = [](const StageConfig& c) -> result<std::unique_ptr<Source>> {
      return std::unique_ptr<Source>(new CounterSource(c));
    };
    reg.add(std::move(k));
  }
  {
    OperatorKind k;
    k.spec.role = dsl::Role::Sink;
    k.spec.kind = "store";
    k.spec.options = {opt("delay_us", OptType::Int, "0"), opt("fail_times", OptType::Int, "0"),
                      opt("discard", OptType::Bool, "false"),
                      opt("checkpoint_delay_us", OptType::Int, "0")};
    k.sink = [](const StageConfig& c) -> result<std::unique_ptr<Sink>> {
      return std::unique_ptr<Sink>(new StoreSink(c));
    };
    reg.add(std::move(k));
  }
  {
    OperatorKind k;
    k.spec.role = dsl::Role::Processor;
    k.spec.kind = "transform";
    k.processor = [](const StageConfig& c) -> result<std::unique_ptr<Processor>> {
      return std::unique_ptr<Processor>(new FakeProcessor(c));
    };
    reg.add(std::move(k));
  }
  return reg;
}

std::shared_ptr<ast::File> parse(const std::string& text) {
  auto reg = make_registry();
  auto loaded = dsl::load_text("test.pipe", text, reg.specs());
  BOOST_TEST_INFO(dsl::format(loaded));
  BOOST_REQUIRE(loaded.ok());
  return std::make_shared<ast::File>(std::move(loaded.file));
}

}  // namespace sluice::test
