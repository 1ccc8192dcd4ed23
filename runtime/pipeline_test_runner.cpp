#include "runtime/pipeline_test_runner.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include "base/json.h"
#include "base/temporal.h"
#include "dsl/eval/expr.h"
#include "dsl/loader.h"
#include "engine/actors/live_registry.h"
#include "engine/actors/runner.h"
#include "operators/registry.h"
#include "runtime/capture_sink.h"
#include "runtime/record_diff.h"
#include "runtime/test_input_source.h"
#include "runtime/test_record.h"

namespace sluice::runtime {
namespace {

const char* kInputKind = "__test_input";
const char* kCaptureKind = "__test_capture";
// now() in a test: 2024-01-01T00:00:00Z, so that a test gives the same records every run.
constexpr int64_t kTestClock = 1'704'067'200'000'000;

std::string capture_name(const std::string& stage) { return "__expect_" + stage; }

// The built-in kinds plus the two a test uses in place of sources and sinks.
OperatorRegistry test_registry(
    const std::shared_ptr<std::map<std::string, std::vector<Event>>>& inputs,
    const std::shared_ptr<Captured>& captured) {
  OperatorRegistry reg = operators::registry();
  OperatorKind in;
  in.spec.role = dsl::Role::Source;
  in.spec.kind = kInputKind;
  for (const auto& o : dsl::common_stage_options()) {
    if (o.name == "dead_letter" || o.name == "on_error") in.spec.options.push_back(o);
  }
  in.source = [inputs](const StageConfig& cfg) -> result<std::unique_ptr<Source>> {
    auto it = inputs->find(cfg.name);
    return std::unique_ptr<Source>(
        new TestInputSource(it == inputs->end() ? std::vector<Event>() : it->second));
  };
  reg.add(std::move(in));
  OperatorKind out;
  out.spec.role = dsl::Role::Sink;
  out.spec.kind = kCaptureKind;
  out.sink = [captured](const StageConfig& cfg) -> result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(new CaptureSink(cfg.name, captured));
  };
  reg.add(std::move(out));
  return reg;
}

List records_of(const ast::Expr& e) {
  auto v = eval::eval_constant(e);  // checked: cannot fail
  return v && v->type() == Type::List ? v->as_list() : List();
}

// A replaced source or sink keeps only where its dead letters go: its own options (hosts,
// URLs, secrets) are never evaluated.
void keep_routing_options(ast::Stage& st) {
  std::vector<ast::Option> kept;
  for (auto& o : st.options) {
    if (o.name == "dead_letter" || o.name == "on_error") kept.push_back(std::move(o));
  }
  st.options = std::move(kept);
}

void replace_with_input(ast::Stage& st) {
  st.type = ast::StageType::Source;
  st.kind = kInputKind;
  st.from.clear();
  st.join_on.clear();
  st.statements.clear();
  keep_routing_options(st);
}

ast::Stage capture_stage(const std::string& of) {
  ast::Stage st;
  st.type = ast::StageType::Sink;
  st.kind = kCaptureKind;
  st.name = capture_name(of);
  st.from.push_back({of, {}});
  return st;
}

// Rewrites the tested pipeline: inputs and other sources become test inputs, sinks captures,
// and every expected non-sink stage gets a capture of its own.
void rewrite(ast::Pipeline& p, const ast::TestBlock& t,
             std::map<std::string, std::vector<Event>>& inputs) {
  for (const auto& s : t.stmts) {
    if (s.kind != ast::TestStmtKind::Input) continue;
    auto& events = inputs[s.stage.name];
    int64_t index = 0;
    for (const auto& r : records_of(*s.value)) {
      events.push_back(test_event(r.as_object(), s.stage.name, index++));
    }
  }
  std::vector<ast::Stage> extra;
  for (auto& st : p.stages) {
    if (inputs.count(st.name) != 0 || st.type == ast::StageType::Source) {
      replace_with_input(st);
    } else if (st.type == ast::StageType::Sink) {
      st.kind = kCaptureKind;
      keep_routing_options(st);
    }
  }
  for (const auto& s : t.stmts) {
    if (s.kind != ast::TestStmtKind::Expect) continue;
    for (const auto& st : p.stages) {
      if (st.name == s.stage.name && st.type != ast::StageType::Sink) {
        extra.push_back(capture_stage(st.name));
      }
    }
  }
  for (auto& st : extra) p.stages.push_back(std::move(st));
}

// The stage's dead letters as "    kind: message | record" lines (the most recent ones).
std::string dead_letters_of(const engine::LivePipeline* p, const std::string& stage) {
  const engine::LiveStage* st = p != nullptr ? p->find_stage(stage) : nullptr;
  if (st == nullptr) return {};
  std::string out;
  for (const auto& e : st->counters->dead_letters.recent()) {
    std::string why = e.dead_letter ? e.dead_letter->kind() + ": " + e.dead_letter->message : "";
    out += "    " + why + " | " + json::encode(Value::object(e.row)) + "\n";
  }
  return out;
}

std::string check_dead(const ast::TestStmt& s, const engine::RunResult& res,
                       const engine::LivePipeline* live) {
  uint64_t got = 0;
  for (const auto& st : res.stats) {
    if (st.stage == s.stage.name) got += st.dead;
  }
  auto want = static_cast<uint64_t>(s.value->literal.as_int());
  if (got == want) return {};
  return "expect_dead_letters " + s.stage.name + " (line " + std::to_string(s.loc.line) +
         "): expected " + std::to_string(want) + ", got " + std::to_string(got) + "\n" +
         dead_letters_of(live, s.stage.name);
}

std::string check_stmt(const ast::TestStmt& s, const ast::Pipeline& p, Captured& captured,
                       const engine::RunResult& res, const engine::LivePipeline* live) {
  if (s.kind == ast::TestStmtKind::ExpectDeadLetters) return check_dead(s, res, live);
  if (s.kind != ast::TestStmtKind::Expect) return {};
  bool sink = false;
  for (const auto& st : p.stages)
    sink = sink || (st.name == s.stage.name && st.kind == kCaptureKind);
  auto actual = captured.take(sink ? s.stage.name : capture_name(s.stage.name));
  std::vector<Object> expected;
  for (const auto& r : records_of(*s.value)) expected.push_back(r.as_object());
  std::string diff = record_diff(expected, actual);
  if (diff.empty()) return {};
  return "expect " + s.stage.name + " (line " + std::to_string(s.loc.line) +
         "): " + std::to_string(expected.size()) + " record" + (expected.size() == 1 ? "" : "s") +
         " expected, " + std::to_string(actual.size()) + " received\n" + diff;
}

TestResult run_one(const std::string& path, const std::string& text, size_t index) {
  dsl::Loaded loaded = dsl::load_text(path, text, operators::registry().specs());
  const ast::TestBlock& t = loaded.file.tests.at(index);
  TestResult r{t.name, t.loc, false, {}};
  ast::File file;
  file.path = path;
  for (auto& p : loaded.file.pipelines) {
    if (p.name == t.pipeline.name) file.pipelines.push_back(std::move(p));
  }
  auto inputs = std::make_shared<std::map<std::string, std::vector<Event>>>();
  auto captured = std::make_shared<Captured>();
  rewrite(file.pipelines.at(0), t, *inputs);
  auto reg = test_registry(inputs, captured);
  auto dir = std::filesystem::temp_directory_path() /
             ("sluice-test-" + std::to_string(::getpid()) + "-" + std::to_string(index));
  engine::RunOptions opts;
  opts.state_dir = dir.string();
  opts.quiet = true;
  opts.threads = 2;
  opts.exit_when_idle_us = 10'000'000;  // a guard: a test pipeline ends when its inputs do
  opts.live = std::make_shared<engine::LiveRegistry>();  // for the dead letters' reasons
  engine::RunResult res = engine::run(file, reg, opts);
  auto live = opts.live->find(t.pipeline.name);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  for (const auto& f : res.failures) r.report += "the pipeline failed: " + f + "\n";
  for (const auto& s : t.stmts) {
    r.report += check_stmt(s, file.pipelines.at(0), *captured, res, live.get());
  }
  r.passed = r.report.empty();
  return r;
}

}  // namespace

std::vector<TestResult> run_tests(const std::string& path, const std::string& text) {
  temporal::fix_clock(kTestClock);
  dsl::Loaded loaded = dsl::load_text(path, text, operators::registry().specs());
  std::vector<TestResult> out;
  for (size_t i = 0; i < loaded.file.tests.size(); ++i) out.push_back(run_one(path, text, i));
  temporal::fix_clock(0);
  return out;
}

}  // namespace sluice::runtime
