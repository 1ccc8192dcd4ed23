// sluice top [--endpoint ADDR] [--interval D] [--pipeline NAME] [--once]: a refreshing view of
// the pipelines and stages of a running node (rates, lag, errors, dead letters, restarts).
#include <unistd.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>

#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/json_fields.h"
#include "runtime/status_view.h"

namespace sluice::runtime {
namespace {
const char* kTopHelp =
    "usage: sluice top [--endpoint ADDR] [--interval D] [--pipeline NAME] [--once]\n\n"
    "Shows the pipelines and stages of a running `sluice run --api ADDR` and redraws them every\n"
    "D (default 1s; 250ms, 2s, ...): state, lag, records in and out per second, records in\n"
    "flight, errors, dead letters and restarts. On a terminal the view is redrawn in place\n"
    "(Ctrl-C quits); otherwise every frame is printed after the last. --once prints one frame\n"
    "and exits. ADDR defaults to $SLUICE_ENDPOINT, else 127.0.0.1:9465; the token is read from\n"
    "$SLUICE_API_TOKEN.\n"
    "Exit codes: 0 ok, 2 usage, 3 the endpoint cannot be reached (at the start, or with --once).\n";

std::string count_of(const Value& v, const char* name) {
  return human_count(json_number(json_field(v, name)));
}

std::string line(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string line(const char* format, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, format);
  std::vsnprintf(buf, sizeof buf, format, ap);
  va_end(ap);
  std::string text = buf;
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text + "\n";
}

std::string pipeline_rows(const Value& p) {
  char lag[32];
  std::snprintf(lag, sizeof lag, "%.2fs", json_number(json_field(p, "lag_seconds")));
  std::string out =
      line("%-20s %-10s %8s %9s %10s %7s %6s %8s", json_text(json_field(p, "name")).c_str(),
           json_text(json_field(p, "state")).c_str(), lag, count_of(p, "read_per_second").c_str(),
           count_of(p, "written_per_second").c_str(), count_of(p, "errors").c_str(),
           count_of(p, "dead_letters").c_str(), count_of(p, "restarts").c_str());
  if (const std::string reason = json_text(json_field(p, "reason")); !reason.empty()) {
    out += "  reason: " + reason + "\n";
  }
  const Value* stages = json_field(p, "stages");
  if (!stages || stages->type() != Type::List) return out;
  out += line("  %-18s %-18s %9s %9s %9s %6s %6s %8s  %s", "STAGE", "TYPE", "IN/S", "OUT/S",
              "IN-FLIGHT", "ERRORS", "DEAD", "RESTARTS", "NOTE");
  for (const auto& s : stages->as_list()) {
    out +=
        line("  %-18s %-18s %9s %9s %9s %6s %6s %8s  %s", json_text(json_field(s, "name")).c_str(),
             stage_type(s).c_str(), count_of(s, "in_per_second").c_str(),
             count_of(s, "out_per_second").c_str(), count_of(s, "in_flight").c_str(),
             count_of(s, "errors").c_str(), count_of(s, "dead_letters").c_str(),
             count_of(s, "restarts").c_str(), stage_note(s).c_str());
  }
  return out;
}

std::string frame(const std::string& endpoint, const result<std::vector<Value>>& pipelines) {
  char now[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(now, sizeof now, "%H:%M:%S", std::gmtime(&t));
  std::string out = "sluice top  " + endpoint + "  " + now + " UTC\n\n";
  if (!pipelines.ok()) return out + pipelines.err().message + "\n";
  out += line("%-20s %-10s %8s %9s %10s %7s %6s %8s", "PIPELINE", "STATE", "LAG", "READ/S",
              "WRITTEN/S", "ERRORS", "DEAD", "RESTARTS");
  for (const auto& p : pipelines.value()) out += pipeline_rows(p) + "\n";
  if (pipelines.value().empty()) out += "(no pipelines)\n";
  return out;
}
}  // namespace

int command_top(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("top", argv, {"--endpoint", "--interval", "--pipeline"},
                                 {"--once"}, kTopHelp, exit_code, false);
  if (!args) return exit_code;
  const std::string endpoint = args->get("--endpoint").value_or(default_endpoint());
  const std::string only = args->get("--pipeline").value_or("");
  const auto interval = cli::parse_duration_us(args->get("--interval").value_or("1s"));
  if (!interval || *interval <= 0) {
    std::fprintf(stderr, "sluice top: --interval takes a duration (250ms, 1s, 5s)\n");
    return kExitUsage;
  }
  const bool redraw = !args->has("--once") && ::isatty(STDOUT_FILENO);
  for (bool first = true;; first = false) {
    auto pipelines = fetch_pipelines(endpoint, only);
    if (!pipelines.ok() && (first || args->has("--once"))) {
      std::fprintf(stderr, "sluice top: %s\n", pipelines.err().message.c_str());
      return kExitRuntime;
    }
    const std::string text = frame(endpoint, pipelines);
    std::fputs(redraw ? ("\x1b[H\x1b[2J" + text).c_str() : (first ? text : "\n" + text).c_str(),
               stdout);
    std::fflush(stdout);
    if (args->has("--once")) return kExitOk;
    std::this_thread::sleep_for(std::chrono::microseconds(*interval));
  }
}

}  // namespace sluice::runtime
