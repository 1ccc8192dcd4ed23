// What an operator (a source, a processing stage or a sink) implements. The engine wraps each
// in a CAF actor that handles batches, credit, barriers, retries and dead letters; operators
// only see vectors of events. Operators never let an exception escape these calls: they catch
// library exceptions and return error / dead-letter the record.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "base/value.h"
#include "dsl/ast.h"
#include "dsl/option_spec.h"
#include "engine/core/operator_stat.h"
#include "engine/core/stage_shared.h"

namespace sluice {

// `settings { state { backend memory } }`: where keyed state (aggregate, join) lives.
struct StateSettings {
  bool on_disk = true;                 // backend = rocksdb (default); false: memory
  int64_t memory_bytes = 256LL << 20;  // the pipeline's budget for its state stores
};

// What a stage does with a record it cannot process (its on_error and dead_letter options).
enum class OnError : uint8_t { DeadLetter, Skip, Fail };

// Everything a factory needs to build one instance of a stage.
struct StageConfig {
  std::string pipeline;
  std::string name;
  std::string kind;
  const ast::Stage* ast = nullptr;  // statements, raw option expressions
  // Constant options after evaluation (env()/secret() resolved), defaults filled in.
  // Blocks are Objects. Durations are Int micros, sizes Int bytes, rates Int per second.
  // Per-record (OptType::Expr) options are absent here: use expr_options.
  Object options;
  std::map<std::string, const ast::Expr*> expr_options;
  std::vector<std::string> inputs;  // names of the `from` stages, in order
  std::string state_dir;            // pipeline state directory
  int instance = 0;
  int parallelism = 1;
  // The cluster assignment epoch of this run (RunOptions::epoch): a sink that records its
  // position in the target fences its writes with it. 0 = not a cluster worker (no fencing).
  int64_t epoch = 0;
  StateSettings state;
  // A processor whose every input carries only creates and snapshot reads (no updates, deletes
  // or truncates: their sources' specs say KindSpec::inserts_only and no stage between them
  // emits a changelog). An aggregate then keeps only the extreme of min/max.
  bool inserts_only_input = false;
  // The kind receives schema-change events (KindSpec::schema_changes); else the engine drops
  // them before the operator sees a batch.
  bool schema_changes = false;
  // Shared by the stage's instances in this graph (null outside an engine graph, e.g. in a
  // unit test that makes one operator).
  std::shared_ptr<StageShared> shared;

  // The one accessor set for evaluated options (the checker has checked their types; these
  // also read what a default or an older checkpoint may hold in a neighbouring type).
  const Value* option(const std::string& name) const { return options.find(intern(name)); }
  bool has_option(const std::string& name) const {
    const Value* v = option(name);
    return v != nullptr && !v->is_null();
  }
  // Strings as they are, other values as displayed; def when absent or null.
  std::string option_string(const std::string& name, const std::string& def = "") const;
  // Int, UInt, an integral Decimal, Bool (1/0); def otherwise.
  int64_t option_int(const std::string& name, int64_t def = 0) const;
  // Bool, Int (non-zero), the strings "true"/"false"; def otherwise.
  bool option_bool(const std::string& name, bool def = false) const;
  // on_error resolved: skip; dead_letter when a dead_letter stage is named; else fail (a dead
  // letter stops the pipeline). A sink that commits its position with its rows must then not
  // commit past a record it could not write, or a restart would take it as written.
  OnError on_error() const;
};

// A table a source is reading (a snapshot): rows delivered and the estimate.
struct TableProgress {
  std::string table;
  int64_t done = 0;
  int64_t total = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // state: the blob from the last complete checkpoint ("" on a fresh start).
  virtual result<void> open(const std::string& state) = 0;
  enum class Poll : uint8_t { Data, Idle, End };
  // Appends up to max events. Idle: nothing now, ask later. End: bounded input exhausted.
  // On an error the events appended by this call are dropped: a source that fails after
  // appending some returns Data with them instead (its state counts them) and reports the
  // error on the next call.
  virtual result<Poll> poll(size_t max, std::vector<Event>& out) = 0;
  // Resume position just after the last event returned by poll.
  virtual std::string checkpoint_state() const = 0;
  // The state to record in checkpoint `id` (the barrier's id; checkpoint_committed(id) follows
  // once it is written). The default is checkpoint_state().
  virtual std::string checkpoint(uint64_t /*id*/) { return checkpoint_state(); }
  virtual void checkpoint_committed(uint64_t /*id*/) {}
  // Bounded reads (a counted generate, a snapshot): records read so far and the total expected.
  // false = unknown. Called once per polled batch for progress reporting.
  virtual bool progress(int64_t& /*done*/, int64_t& /*total*/) const { return false; }
  // The tables being read now, each with its own progress (`status`, /metrics, the progress
  // line). Called with progress().
  virtual void table_progress(std::vector<TableProgress>& /*out*/) const {}
  // The source's progress (Batch::progress_us), asked after each poll: every change committed
  // up to this time (micros UTC) has been returned by poll. -1: the engine's rule (the commit
  // time of the last change polled, snapshot reads aside; the present when a poll found
  // nothing). 0: nothing new to say.
  virtual int64_t progress_time() { return -1; }
  // "" while healthy; else what is wrong right now while the source keeps trying by itself
  // (e.g. "reconnecting for 12s: binlog connection lost"). Shown by `status` and /metrics;
  // such a source is never idle. Called once per poll: keep it cheap when healthy.
  virtual std::string health() const { return {}; }
  // Records the last poll could not turn into events (a message that does not parse), with
  // Event::dead_letter set (kind + message) and the raw input in the row. The engine takes
  // them right after each poll and routes them like a stage's dead letters (on_error /
  // dead_letter). Their positions are part of the next checkpoint_state() all the same.
  virtual void take_dead(std::vector<Event>& /*out*/) {}
  // Appends the source's own figures (engine/core/operator_stat.h). Called on the actor's
  // thread about once a second: keep it cheap.
  virtual void report_stats(OperatorStats& /*out*/) const {}
  // An operator's command from the management API (`POST /pipelines/P/snapshot`): runs on the
  // actor's thread between polls; the answer is a line for the user. Sources without commands
  // refuse.
  virtual result<std::string> command(const std::string& name, const Value& /*args*/) {
    return error::permanent("this source does not take '" + name + "'");
  }
  virtual void close() {}
};

class Processor {
 public:
  virtual ~Processor() = default;
  virtual result<void> open(const std::string& /*state*/) { return {}; }
  // Consumes `in` (events may be moved from), appends results to `out` and records that
  // fail permanently to `dead` (with dead_letter info: kind + message).
  virtual void process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
                       std::vector<Event>& dead) = 0;
  virtual std::string checkpoint_state() const { return {}; }
  // The state to record in checkpoint `id` (the barrier's id). Stages with state on disk make
  // it durable here; the default is checkpoint_state().
  virtual result<std::string> checkpoint(uint64_t /*id*/) { return checkpoint_state(); }
  // Checkpoint `id` is written: a restart starts from it or a later one.
  virtual void checkpoint_committed(uint64_t /*id*/) {}
  // At each checkpoint barrier, before checkpoint(): the sources upstream have read every
  // change committed up to `source_time_us` (Batch::progress_us). Events appended to `out`
  // go out before the barrier (a windowed aggregate closing windows).
  virtual void progress(int64_t /*source_time_us*/, std::vector<Event>& /*out*/) {}
  virtual void report_stats(OperatorStats& /*out*/) const {}
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual result<void> open(const std::string& state) = 0;
  // Writes events. A transient error means: retry the call with the same events (a sink
  // that made part of it durable skips that part on the retry). Records that can never be
  // written go to `dead`. After a successful call the events are the sink's: it may have
  // moved from them.
  virtual result<void> write(std::vector<Event>& events, std::vector<Event>& dead) = 0;
  // Makes everything written so far durable; returns the state to record in checkpoint `id`.
  virtual result<std::string> checkpoint(uint64_t id) = 0;
  // Checkpoint `id` is written (every stage acknowledged it): a restart starts from it or a
  // later one.
  virtual void checkpoint_committed(uint64_t /*id*/) {}
  // Records that checkpoint()'s own flush found to be unwritable: the engine routes them to
  // the dead-letter sink right after checkpoint(), before the barrier moves on.
  virtual void take_dead(std::vector<Event>& /*dead*/) {}
  // The input has caught up: nothing more is waiting for this sink. A sink that buffers
  // toward a batch size writes what it holds now (adaptive batching: small batches at low
  // load, full ones under load). Errors are like write()'s; the buffered events stay the
  // sink's either way (a failed attempt is made again by the next write or checkpoint).
  virtual result<void> idle(std::vector<Event>& /*dead*/) { return {}; }
  virtual void report_stats(OperatorStats& /*out*/) const {}
  virtual void close() {}
};

using SourceFactory = std::function<result<std::unique_ptr<Source>>(const StageConfig&)>;
using ProcessorFactory = std::function<result<std::unique_ptr<Processor>>(const StageConfig&)>;
using SinkFactory = std::function<result<std::unique_ptr<Sink>>(const StageConfig&)>;

struct OperatorKind {
  dsl::KindSpec spec;
  SourceFactory source;
  ProcessorFactory processor;
  SinkFactory sink;

  // A kind of each role: its spec and its one factory.
  static OperatorKind of_source(dsl::KindSpec spec, SourceFactory make) {
    return {std::move(spec), std::move(make), {}, {}};
  }
  static OperatorKind of_processor(dsl::KindSpec spec, ProcessorFactory make) {
    return {std::move(spec), {}, std::move(make), {}};
  }
  static OperatorKind of_sink(dsl::KindSpec spec, SinkFactory make) {
    return {std::move(spec), {}, {}, std::move(make)};
  }
};

class OperatorRegistry {
 public:
  void add(OperatorKind k) { kinds_.push_back(std::move(k)); }
  const OperatorKind* find(dsl::Role role, const std::string& kind) const {
    for (const auto& k : kinds_) {
      if (k.spec.role == role && k.spec.kind == kind) return &k;
    }
    return nullptr;
  }
  const std::vector<OperatorKind>& all() const { return kinds_; }
  dsl::SpecRegistry specs() const {
    dsl::SpecRegistry r;
    for (const auto& k : kinds_) r.add(k.spec);
    return r;
  }

 private:
  std::vector<OperatorKind> kinds_;
};

}  // namespace sluice
