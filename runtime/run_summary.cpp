#include "runtime/run_summary.h"

#include <string>

namespace sluice::runtime {

void print_run_summary(const engine::RunResult& result, std::FILE* out) {
  std::fprintf(out, "\n%-20s %-22s %12s %12s %10s %8s %8s\n", "pipeline", "stage", "in", "out",
               "dead", "retries", "restarts");
  for (const auto& s : result.stats) {
    std::fprintf(out, "%-20s %-22s %12llu %12llu %10llu %8llu %8llu\n", s.pipeline.c_str(),
                 s.stage.c_str(), static_cast<unsigned long long>(s.in),
                 static_cast<unsigned long long>(s.out), static_cast<unsigned long long>(s.dead),
                 static_cast<unsigned long long>(s.retries),
                 static_cast<unsigned long long>(s.restarts));
  }
  for (const auto& f : result.failures) std::fprintf(out, "FAILED: %s\n", f.c_str());
  std::fprintf(out, "exit code %d\n", result.exit_code);
}

}  // namespace sluice::runtime
