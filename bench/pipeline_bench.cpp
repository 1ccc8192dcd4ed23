// Benchmark: generate -> transform (3 statements) -> null, in process, release build.
// Usage: pipeline_bench [records=5000000] [runs=5]
// Prints each run's records/s, the median, and the process's peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/logger.h"
#include "dsl/loader.h"
#include "engine/actors/runner.h"
#include "operators/registry.h"

int main(int argc, char** argv) {
  using namespace sluice;
  long long records = argc > 1 ? std::atoll(argv[1]) : 5000000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  auto dir =
      std::filesystem::temp_directory_path() / ("sluice-bench-" + std::to_string(::getpid()));
  std::string text =
      "pipeline bench {\n"
      "  settings { state_dir = \"" +
      dir.string() +
      "\" }\n"
      "  source generate gen {\n"
      "    count = " +
      std::to_string(records) +
      "\n"
      "    fields { id = seq()  amount = 12.50  kind = \"deposit\" }\n"
      "  }\n"
      "  transform t from gen {\n"
      "    where id % 100 != 0\n"
      "    set total = amount * 2\n"
      "    set label = upper(kind)\n"
      "  }\n"
      "  sink null out from t { }\n"
      "}\n";
  log::set_level(log::Level::Warn);
  std::vector<double> rates;
  for (int i = 0; i < runs; ++i) {
    std::filesystem::remove_all(dir);
    auto loaded = dsl::load_text("bench.pipe", text, operators::registry().specs());
    if (!loaded.ok()) {
      std::fputs(dsl::format(loaded).c_str(), stderr);
      return 1;
    }
    engine::RunOptions opts;
    opts.quiet = true;
    auto t0 = std::chrono::steady_clock::now();
    auto res = engine::run(loaded.file, operators::registry(), opts);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (res.exit_code != 0) {
      std::fprintf(stderr, "run failed with exit code %d\n", res.exit_code);
      return 1;
    }
    rates.push_back(static_cast<double>(records) / secs);
    std::printf("run %d: %lld records in %.3f s = %.0f records/s\n", i + 1, records, secs,
                rates.back());
  }
  std::filesystem::remove_all(dir);
  std::sort(rates.begin(), rates.end());
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("median: %.0f records/s over %d runs; peak RSS %ld MB\n", rates[rates.size() / 2],
              runs, ru.ru_maxrss / 1024);
  return 0;
}
