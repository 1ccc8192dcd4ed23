#include "runtime/metrics_export.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "engine/actors/clock.h"
#include "runtime/live_view.h"

namespace sluice::runtime {
namespace {

using engine::LivePipeline;
using engine::LiveStage;

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest text that reads back as v (0.05, not 0.050000000000000003).
std::string shortest_num(double v) {
  char buf[64];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void family(const char* name, const char* type, const char* help) {
    append("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  }
  void sample(const std::string& name, const std::string& labels, const std::string& value) {
    append(name, "{", labels, "} ", value, "\n");
  }
  template <size_t N>
  void histogram(const std::string& name, const std::string& labels, const engine::Histogram<N>& h,
                 double divisor) {
    uint64_t cum = 0;
    for (size_t i = 0; i < N; ++i) {
      cum += h.buckets[i].load(std::memory_order_relaxed);
      sample(name + "_bucket",
             labels + ",le=\"" + shortest_num(static_cast<double>(h.bounds[i]) / divisor) + "\"",
             std::to_string(cum));
    }
    cum += h.buckets[N].load(std::memory_order_relaxed);
    sample(name + "_bucket", labels + ",le=\"+Inf\"", std::to_string(cum));
    sample(name + "_sum", labels,
           shortest_num(static_cast<double>(h.sum.load(std::memory_order_relaxed)) / divisor));
    // The +Inf bucket, not h.count: read apart, an observation between the two reads would make
    // them differ (Prometheus requires them equal).
    sample(name + "_count", labels, std::to_string(cum));
  }

 private:
  template <class... Parts>
  void append(const Parts&... parts) {
    (out_.append(parts), ...);
  }

  std::string& out_;
};

std::string stage_labels(const LivePipeline& p, const LiveStage& s) {
  return "pipeline=\"" + escape(p.name) + "\",stage=\"" + escape(s.name) + "\"";
}

// sluice_<kind>_<name>[_total]: the kind (the stage type for processors) and the name as
// Prometheus metric name characters.
std::string operator_metric(const LiveStage& s, const OperatorStat& st) {
  std::string n = "sluice_" + (s.kind.empty() ? s.type : s.kind) + "_" + st.name;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return st.counter ? n + "_total" : n;
}

struct OperatorFamily {
  std::string help;
  bool counter = true;
  std::vector<std::pair<std::string, int64_t>> samples;  // labels, value
};

// The operators' own figures (Source/Processor/Sink::report_stats), one family per name.
void operator_families(Writer& w, const std::vector<std::shared_ptr<const LivePipeline>>& ps) {
  std::map<std::string, OperatorFamily> families;
  for (const auto& p : ps) {
    for (const auto& s : p->stages) {
      for (const auto& [instance, stats] : s.counters->operator_stats.snapshot()) {
        for (const auto& st : stats) {
          auto& f = families[operator_metric(s, st)];
          f.help = st.help;
          f.counter = st.counter;
          f.samples.emplace_back(
              stage_labels(*p, s) + ",instance=\"" + std::to_string(instance) + "\"", st.value);
        }
      }
    }
  }
  for (const auto& [name, f] : families) {
    w.family(name.c_str(), f.counter ? "counter" : "gauge", f.help.c_str());
    for (const auto& [labels, value] : f.samples) w.sample(name, labels, std::to_string(value));
  }
}

using Pick = std::function<bool(const LiveStage&)>;
// A sample's text for one stage.
using StageValue = std::function<std::string(const LivePipeline&, const LiveStage&)>;
bool any_stage(const LiveStage&) { return true; }
bool source_stage(const LiveStage& s) { return s.type == "source"; }
bool sink_stage(const LiveStage& s) { return s.type == "sink"; }
const char* flag(const std::atomic<bool>& b) {
  return b.load(std::memory_order_relaxed) ? "1" : "0";
}
std::string seconds(const std::atomic<int64_t>& us) {
  return shortest_num(static_cast<double>(us.load(std::memory_order_relaxed)) / 1e6);
}

// The families of the live pipelines' stages, a sample per picked stage.
class StageFamilies {
 public:
  StageFamilies(Writer& w, const std::vector<std::shared_ptr<const LivePipeline>>& pipelines)
      : w_(w), pipelines_(pipelines) {}

  void each_stage(const Pick& pick,
                  const std::function<void(const LivePipeline&, const LiveStage&)>& f) const {
    for (const auto& p : pipelines_) {
      for (const auto& s : p->stages) {
        if (pick(s)) f(*p, s);
      }
    }
  }
  void counter(const char* name, const char* help,
               std::atomic<uint64_t> engine::StageCounters::*field) {
    w_.family(name, "counter", help);
    each_stage(any_stage, [&](const LivePipeline& p, const LiveStage& s) {
      w_.sample(name, stage_labels(p, s),
                std::to_string(((*s.counters).*field).load(std::memory_order_relaxed)));
    });
  }
  void gauge(const char* name, const char* help, const Pick& pick, const StageValue& value) {
    w_.family(name, "gauge", help);
    each_stage(pick, [&](const LivePipeline& p, const LiveStage& s) {
      w_.sample(name, stage_labels(p, s), value(p, s));
    });
  }
  // The batch histograms of the picked stages: seconds per batch and records per batch.
  void batch_histograms(const char* seconds_name, const char* seconds_help,
                        const char* records_name, const char* records_help, const Pick& pick) {
    w_.family(seconds_name, "histogram", seconds_help);
    each_stage(pick, [&](const LivePipeline& p, const LiveStage& s) {
      w_.histogram(seconds_name, stage_labels(p, s), s.counters->batch_us, 1e6);
    });
    w_.family(records_name, "histogram", records_help);
    each_stage(pick, [&](const LivePipeline& p, const LiveStage& s) {
      w_.histogram(records_name, stage_labels(p, s), s.counters->batch_size, 1.0);
    });
  }
  // A bounded read's progress (records read, or expected in total), sources that have one.
  void progress(const char* name, const char* help, bool total_wanted) {
    w_.family(name, "gauge", help);
    each_stage(source_stage, [&](const LivePipeline& p, const LiveStage& s) {
      const int64_t total = s.counters->progress_total.load(std::memory_order_relaxed);
      if (total < 0) return;
      const int64_t done = s.counters->progress_done.load(std::memory_order_relaxed);
      w_.sample(name, stage_labels(p, s), std::to_string(total_wanted ? total : done));
    });
  }
  // The same per table being read.
  void table_progress(const char* name, const char* help, bool total_wanted) {
    w_.family(name, "gauge", help);
    each_stage(source_stage, [&](const LivePipeline& p, const LiveStage& s) {
      for (const auto& t : s.counters->table_progress.get()) {
        w_.sample(name, stage_labels(p, s) + ",table=\"" + escape(t.table) + "\"",
                  std::to_string(total_wanted ? t.total : t.done));
      }
    });
  }

 private:
  Writer& w_;
  const std::vector<std::shared_ptr<const LivePipeline>>& pipelines_;
};

// One family per pipeline figure, a sample per pipeline.
void pipeline_families(Writer& w, const std::vector<std::shared_ptr<const LivePipeline>>& ps) {
  using State = engine::PipelineState;
  auto family = [&](const char* name, const char* type, const char* help,
                    const std::function<std::string(const State&)>& value) {
    w.family(name, type, help);
    for (const auto& p : ps) {
      w.sample(name, "pipeline=\"" + escape(p->name) + "\"",
               value(engine::LiveRegistry::state_of(*p)));
    }
  };
  w.family("sluice_pipeline_info", "gauge", "Always 1; labels carry the pipeline state.");
  for (const auto& p : ps) {
    auto st = engine::LiveRegistry::state_of(*p);
    w.sample("sluice_pipeline_info",
             "pipeline=\"" + escape(p->name) + "\",state=\"" + st.state + "\"", "1");
  }
  family("sluice_pipeline_restarts_total", "counter",
         "Restarts of the pipeline from its last checkpoint.",
         [](const State& st) { return std::to_string(st.restarts); });
  family("sluice_pipeline_last_checkpoint", "gauge", "Id of the last complete checkpoint.",
         [](const State& st) { return std::to_string(st.last_checkpoint); });
  family("sluice_pipeline_last_checkpoint_timestamp_seconds", "gauge",
         "Wall-clock time the last checkpoint was written (0 = none yet).", [](const State& st) {
           return shortest_num(static_cast<double>(st.last_checkpoint_at) / 1e6);
         });
}

// Every stage's engine figures.
void stage_families(StageFamilies& f) {
  f.counter("sluice_stage_events_in_total", "Records taken in by the stage.",
            &engine::StageCounters::in);
  f.counter("sluice_stage_events_out_total",
            "Records emitted (sources, processors) or written (sinks).",
            &engine::StageCounters::out);
  f.counter("sluice_stage_errors_total",
            "Operator errors: failed polls or writes, exceptions, failed opens.",
            &engine::StageCounters::errors);
  f.counter("sluice_stage_dead_letters_total", "Records the stage dead-lettered (or skipped).",
            &engine::StageCounters::dead);
  f.counter("sluice_stage_retries_total", "Retried polls or writes.",
            &engine::StageCounters::retries);
  f.counter("sluice_stage_restarts_total", "Pipeline restarts caused by this stage.",
            &engine::StageCounters::restarts);
  f.gauge(
      "sluice_stage_in_flight_records",
      "Records sent to the stage and not yet taken in (bounded by its buffer credit).", any_stage,
      [](const LivePipeline& p, const LiveStage& s) { return std::to_string(in_flight(p, s)); });
  f.gauge(
      "sluice_stage_credit_records",
      "Credit the stage grants its upstreams (buffer x parallelism) minus the records in flight.",
      [](const LiveStage& s) { return s.type != "source"; },
      [](const LivePipeline& p, const LiveStage& s) {
        const int64_t cap = s.buffer * s.parallelism;
        const int64_t left = cap - static_cast<int64_t>(in_flight(p, s));
        return std::to_string(left > 0 ? left : 0);
      });
  f.gauge("sluice_stage_paused", "1 while the source is paused by the management API.",
          source_stage,
          [](const LivePipeline&, const LiveStage& s) { return flag(s.counters->paused); });
  f.batch_histograms("sluice_stage_batch_duration_seconds",
                     "Time per batch: source poll, processor process, sink write.",
                     "sluice_stage_batch_records", "Records per batch.", any_stage);
}

// The sources' lag, health and progress.
void source_families(StageFamilies& f) {
  f.gauge("sluice_source_lag_seconds",
          "How far the last polled event was behind its source commit time when read (0 when "
          "caught up).",
          source_stage,
          [](const LivePipeline&, const LiveStage& s) { return seconds(s.counters->lag_us); });
  f.gauge("sluice_stage_retrying",
          "1 while the stage's last write (sink) or poll (source) failed and waits for its retry.",
          any_stage,
          [](const LivePipeline&, const LiveStage& s) { return flag(s.counters->retrying); });
  f.gauge("sluice_source_unhealthy",
          "1 while the source is not healthy but keeps trying by itself (e.g. reconnecting to "
          "its server); `sluice status` shows why.",
          source_stage,
          [](const LivePipeline&, const LiveStage& s) { return flag(s.counters->unhealthy); });
  f.gauge("sluice_source_last_event_timestamp_seconds", "Commit time of the last polled event.",
          source_stage, [](const LivePipeline&, const LiveStage& s) {
            return seconds(s.counters->last_event_ts);
          });
  f.progress("sluice_source_progress_records",
             "Records read by a bounded read (snapshot, counted generate).", false);
  f.progress("sluice_source_progress_total_records", "Records a bounded read expects in total.",
             true);
  f.table_progress("sluice_source_table_progress_records",
                   "Rows of a table read so far by the snapshot reading it now.", false);
  f.table_progress("sluice_source_table_progress_total_records",
                   "Rows the snapshot expects of a table it reads now (an estimate).", true);
}

}  // namespace

std::string render_prometheus(const engine::LiveRegistry& live) {
  std::string out;
  Writer w(out);
  const auto pipelines = live.pipelines();
  pipeline_families(w, pipelines);
  StageFamilies stages(w, pipelines);
  stage_families(stages);
  source_families(stages);
  stages.batch_histograms("sluice_sink_write_duration_seconds", "Time per sink write call.",
                          "sluice_sink_batch_records", "Records per sink write call.", sink_stage);
  operator_families(w, pipelines);
  return out;
}

}  // namespace sluice::runtime
