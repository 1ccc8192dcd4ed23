// Aggregate throughput and memory: 100,000 groups (DSL.md §7 example aggregate).
//   aggregate_bench [groups=100000] [rows_per_group=10] [batch=1000]
// Phase 1 inserts one row per group (bytes per group = RSS delta / groups), phase 2 fills
// the groups to rows_per_group rows, phase 3 updates random rows (10% move to another group)
// and phase 4 deletes; each reports changes/s. Also times checkpoint_state() and open().
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "operators/aggregate/aggregate_kind.h"
#include "operators/aggregate/aggregate_processor.h"
#include "operators/aggregate/aggregate_spec.h"

using namespace sluice;

namespace {

long rss_kb() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, res = 0;
  f >> pages >> res;
  return res * 4;
}

double secs_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t groups = argc > 1 ? std::atoll(argv[1]) : 100000;
  const int64_t per_group = argc > 2 ? std::atoll(argv[2]) : 10;
  const size_t batch = argc > 3 ? static_cast<size_t>(std::atoll(argv[3])) : 1000;
  dsl::SpecRegistry specs;  // a stand-in source and sink kind around the aggregate
  dsl::KindSpec src;
  src.role = dsl::Role::Source;
  src.kind = "bench";
  specs.add(src);
  dsl::KindSpec sink = src;
  sink.role = dsl::Role::Sink;
  specs.add(sink);
  specs.add(operators::aggregate::processor_spec());
  const std::string text =
      "pipeline p {\n source bench core { }\n"
      " aggregate account_summary from core {\n"
      "  where @table == \"accounts\"\n  group by customer_id\n"
      "  total_accounts = count()\n  total_balance = sum(balance)\n"
      "  account_types = collect_set(account_type)\n  last_opened = max(opened_date)\n }\n"
      " sink bench out from account_summary { }\n}\n";
  dsl::Loaded loaded = dsl::load_text("bench.pipe", text, specs);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s", dsl::format(loaded).c_str());
    return 1;
  }
  StageConfig cfg;
  cfg.pipeline = "p";
  cfg.name = "account_summary";
  cfg.ast = &loaded.file.pipelines[0].stages[1];
  auto made = operators::aggregate::processor_kind().processor(cfg);
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.err().message.c_str());
    return 1;
  }
  std::unique_ptr<Processor> proc = std::move(made.value());

  auto meta = std::make_shared<SourceMeta>();
  meta->table = "accounts";
  meta->primary_key = {"id"};
  const Sym s_id = intern("id"), s_cust = intern("customer_id"), s_bal = intern("balance"),
            s_type = intern("account_type"), s_opened = intern("opened_date");
  const char* types[] = {"checking", "savings", "loan", "credit"};
  std::mt19937_64 rng(7);
  std::vector<Object> rows;  // current row per id
  auto make_row = [&](int64_t id, int64_t cust) {
    Object o;
    o.append(s_id, Value::int64(id));
    o.append(s_cust, Value::int64(cust));
    o.append(s_bal, Value::decimal(Decimal(static_cast<int128>(rng() % 10000000), 2)));
    o.append(s_type, Value::string(types[rng() % 4]));
    o.append(s_opened, Value::date(static_cast<int32_t>(15000 + rng() % 5000)));
    return o;
  };
  std::vector<Event> in, out, dead;
  size_t emitted = 0;
  double busy = 0;  // seconds inside process(): the processor's own cost
  auto flush = [&]() {
    auto t0 = std::chrono::steady_clock::now();
    proc->process(0, in, out, dead);
    busy += secs_since(t0);
    emitted += out.size();
    out.clear();
    in.clear();
  };
  auto push = [&](Event e) {
    e.source = meta;
    in.push_back(std::move(e));
    if (in.size() >= batch) flush();
  };

  // All rows are made before measuring, so the RSS deltas are the aggregate's own memory.
  const int64_t total_rows = groups * per_group;
  rows.reserve(static_cast<size_t>(total_rows));
  for (int64_t id = 0; id < total_rows; ++id) rows.push_back(make_row(id, id % groups));
  auto insert_range = [&](int64_t from, int64_t to) {
    for (int64_t id = from; id < to; ++id) {
      Event e;
      e.op = Op::Create;
      e.row = rows[static_cast<size_t>(id)];
      push(std::move(e));
    }
    flush();
  };
  auto report = [&](const char* what, int64_t n, double wall) {
    std::printf("%s: %lld changes: %.0f changes/s in process() (%.0f/s with event making)\n", what,
                static_cast<long long>(n), static_cast<double>(n) / busy,
                static_cast<double>(n) / wall);
    busy = 0;
  };

  long rss0 = rss_kb();
  auto t = std::chrono::steady_clock::now();
  insert_range(0, groups);
  report("phase 1 (new groups)", groups, secs_since(t));
  long rss1 = rss_kb();
  std::printf("  RSS +%ld KB = %.0f bytes/group (1 row each)\n", rss1 - rss0,
              (rss1 - rss0) * 1024.0 / static_cast<double>(groups));

  t = std::chrono::steady_clock::now();
  insert_range(groups, total_rows);
  report("phase 2 (inserts into existing groups)", total_rows - groups, secs_since(t));
  long rss2 = rss_kb();
  std::printf("  RSS +%ld KB = %.0f bytes/group at %lld rows/group\n", rss2 - rss0,
              (rss2 - rss0) * 1024.0 / static_cast<double>(groups),
              static_cast<long long>(per_group));

  t = std::chrono::steady_clock::now();
  const int64_t n3 = total_rows;
  for (int64_t i = 0; i < n3; ++i) {
    size_t id = rng() % rows.size();
    Event e;
    e.op = Op::Update;
    e.before = rows[id];
    e.has_before = true;
    int64_t cust =
        rng() % 10 == 0 ? static_cast<int64_t>(rng() % groups) : rows[id].find(s_cust)->as_int();
    rows[id] = make_row(static_cast<int64_t>(id), cust);
    e.row = rows[id];
    push(std::move(e));
  }
  flush();
  report("phase 3 (updates, 10% move to another group)", n3, secs_since(t));

  t = std::chrono::steady_clock::now();
  std::string state = proc->checkpoint_state();
  double tc = secs_since(t);
  auto restored = operators::aggregate::processor_kind().processor(cfg);
  t = std::chrono::steady_clock::now();
  auto ok = restored.value()->open(state);
  double to = secs_since(t);
  std::printf("checkpoint: %zu bytes (%.0f bytes/group) in %.3f s; restore in %.3f s (%s)\n",
              state.size(), static_cast<double>(state.size()) / static_cast<double>(groups), tc, to,
              ok.ok() ? "ok" : ok.err().message.c_str());

  t = std::chrono::steady_clock::now();
  for (size_t id = 0; id < rows.size(); ++id) {
    Event e;
    e.op = Op::Delete;
    e.row = std::move(rows[id]);
    push(std::move(e));
  }
  flush();
  report("phase 4 (deletes)", static_cast<int64_t>(rows.size()), secs_since(t));
  std::printf("groups left %zu; %zu output events in all, %zu dead\n",
              dynamic_cast<operators::aggregate::AggregateProcessor&>(*proc).group_count(), emitted,
              dead.size());
  return 0;
}
