#include "dsl/option_spec.h"

#include "base/enum_names.h"

namespace sluice::dsl {

std::string kind_label(const KindSpec& k) {
  if (k.role == Role::Processor) return k.kind;
  return std::string(role_name(k.role)) + " " + k.kind;
}

const char* opt_type_name(OptType t) {
  static constexpr const char* kNames[] = {
      "string",     "integer",
      "bool",       "duration",
      "size",       "rate",
      "enum",       "list of strings",
      "expression", "block",
      "backoff",    "constant",
      "secret",     "list of strings, or { \"pattern\" = list }"};
  static_assert(std::size(kNames) == enum_count(OptType::ListMap));
  return enum_name(t, kNames, "value");
}

const std::vector<OptionSpec>& common_stage_options() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> v;
    auto buffer = option("buffer", OptType::Int, "10000, or 4 x batch.rows for a sink that batches",
                         "most records in flight on the input edge (backpressure bound); a sink "
                         "that batches needs room for several batches, so that the sources read "
                         "the next ones while one is written");
    buffer.min = 1;
    v.push_back(buffer);
    auto par = option("parallelism", OptType::Int, "1",
                      "actors for this stage; records are partitioned by key");
    par.min = 1;
    par.max = 256;
    v.push_back(par);
    auto retry =
        option("retry", OptType::Block, "",
               "transient failures: retry { attempts = N  backoff = exponential(MIN, MAX) }");
    auto attempts = option("attempts", OptType::Int, "3", "attempts before giving up");
    attempts.min = 0;
    retry.children.push_back(attempts);
    retry.children.push_back(option("backoff", OptType::Backoff, "exponential(100ms, 10s)",
                                    "exponential(MIN, MAX) | fixed(D)"));
    v.push_back(retry);
    v.push_back(option("dead_letter", OptType::String, "",
                       "the sink that receives records failing permanently (a stage name)"));
    auto on_error =
        option("on_error", OptType::Enum, "dead_letter when dead_letter is set, else fail",
               "what to do with a record that fails permanently");
    on_error.enum_values = {"dead_letter", "skip", "fail"};
    v.push_back(on_error);
    auto rate =
        option("rate_limit", OptType::Rate, "", "most records per second the stage takes in");
    rate.min = 1;
    v.push_back(rate);
    return v;
  }();
  return specs;
}

const std::vector<OptionSpec>& settings_options() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> v;
    v.push_back(option("state_dir", OptType::String, "",
                       "directory for offsets, checkpoints and aggregate state"));
    auto ckpt = option("checkpoint_interval", OptType::Duration, "1s", "time between checkpoints");
    ckpt.min = 1;
    v.push_back(ckpt);
    auto batch = option("batch_size", OptType::Int, "1024", "most events in one batch");
    batch.min = 1;
    batch.max = 1000000;
    v.push_back(batch);
    auto restarts = option("restart_attempts", OptType::Int, "5",
                           "pipeline restarts after failures before it is marked failed");
    restarts.min = 0;
    v.push_back(restarts);
    v.push_back(option("restart_backoff", OptType::Backoff, "exponential(1s, 30s)",
                       "wait between pipeline restarts"));
    auto state = option("state", OptType::Block, "",
                        "where aggregate and join state lives: state { backend = rocksdb  "
                        "memory = 256MB }");
    auto backend = option("backend", OptType::Enum, "rocksdb",
                          "rocksdb: on disk under the state dir, memory bounded by `memory`, "
                          "incremental checkpoints; memory: in memory, the whole state in every "
                          "checkpoint (small state only)");
    backend.enum_values = {"rocksdb", "memory"};
    state.children.push_back(backend);
    auto memory = option("memory", OptType::Size, "256MB",
                         "memory the pipeline's state stores may use (cache and write buffers)");
    memory.min = 16LL << 20;
    state.children.push_back(memory);
    v.push_back(state);
    return v;
  }();
  return specs;
}

}  // namespace sluice::dsl
