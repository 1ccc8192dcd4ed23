#include "reconcile/repair_run.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "engine/actors/checkpoint_store.h"
#include "engine/actors/clock.h"
#include "engine/actors/runner.h"
#include "operators/registry.h"
#include "reconcile/errc.h"

namespace sluice::reconcile {
namespace {

constexpr const char* kRepairKind = "sluice_reconcile_rows";

// The repair run's source: the events, in order, then the end.
class VectorSource : public Source {
 public:
  explicit VectorSource(std::shared_ptr<std::vector<Event>> events) : events_(std::move(events)) {}
  result<void> open(const std::string&) override { return {}; }
  result<Poll> poll(size_t max, std::vector<Event>& out) override {
    while (next_ < events_->size() && max-- > 0) out.push_back((*events_)[next_++]);
    return next_ < events_->size() ? Poll::Data : Poll::End;
  }
  std::string checkpoint_state() const override { return std::to_string(next_); }
  bool progress(int64_t& done, int64_t& total) const override {
    done = static_cast<int64_t>(next_);
    total = static_cast<int64_t>(events_->size());
    return true;
  }

 private:
  std::shared_ptr<std::vector<Event>> events_;
  size_t next_ = 0;
};

// The repair pipeline: the replaying source under the real source's name, and copies of the
// chosen sinks fed by it alone (without their dead-letter routing).
ast::Pipeline repair_pipeline(ast::Pipeline& p, const std::string& source_stage,
                              const std::vector<std::string>& sinks) {
  ast::Pipeline rp;
  rp.name = repair_pipeline_name(p.name);
  ast::Stage src;
  src.type = ast::StageType::Source;
  src.kind = kRepairKind;
  src.name = source_stage;
  rp.stages.push_back(std::move(src));
  for (auto& st : p.stages) {
    if (std::find(sinks.begin(), sinks.end(), st.name) == sinks.end()) continue;
    ast::Stage copy;
    copy.type = st.type;
    copy.kind = st.kind;
    copy.name = st.name;
    copy.from = st.from;
    copy.from.erase(std::remove_if(copy.from.begin(), copy.from.end(),
                                   [&](const ast::NameRef& n) { return n.name != source_stage; }),
                    copy.from.end());
    for (auto& o : st.options) {  // moved: the original pipeline is not used after this
      if (o.name == "dead_letter" || o.name == "on_error") continue;
      copy.options.push_back(std::move(o));
    }
    rp.stages.push_back(std::move(copy));
  }
  return rp;
}

OperatorRegistry registry_with(const std::shared_ptr<std::vector<Event>>& events) {
  OperatorRegistry reg = operators::registry();
  OperatorKind k;
  k.spec.role = dsl::Role::Source;
  k.spec.kind = kRepairKind;
  k.spec.summary = "rows re-read by sluice reconcile --repair";
  k.source = [events](const StageConfig&) -> result<std::unique_ptr<Source>> {
    return std::unique_ptr<Source>(new VectorSource(events));
  };
  reg.add(std::move(k));
  return reg;
}

std::string fresh_state_dir() {
  return (std::filesystem::temp_directory_path() / ("sluice-repair-" + std::to_string(::getpid()) +
                                                    "-" + std::to_string(engine::wall_clock_us())))
      .string();
}

}  // namespace

std::string repair_pipeline_name(const std::string& pipeline) { return pipeline + "__repair"; }

result<void> run_repair(const ast::File& file, ast::Pipeline& p, const std::string& source_stage,
                        const std::vector<std::string>& sinks, std::vector<Event> events,
                        const engine::Checkpoint& carried) {
  ast::File rf;
  rf.path = file.path;
  rf.text = file.text;
  ast::Pipeline rp = repair_pipeline(p, source_stage, sinks);
  OperatorRegistry reg = registry_with(std::make_shared<std::vector<Event>>(std::move(events)));
  const std::string dir = fresh_state_dir();
  engine::CheckpointStore store(dir + "/" + rp.name);
  std::filesystem::create_directories(store.dir());
  if (auto saved = store.save(rp.name, carried); !saved) return saved.err();
  rf.pipelines.push_back(std::move(rp));
  engine::RunOptions opts;
  opts.state_dir = dir;
  opts.quiet = true;
  auto res = engine::run(rf, reg, opts);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (res.exit_code != 0) {
    return error::permanent(
        errc::repair,
        "repair run failed: " + (res.failures.empty() ? std::string("?") : res.failures[0]));
  }
  return {};
}

}  // namespace sluice::reconcile
