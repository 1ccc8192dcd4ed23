// sluice status [--endpoint ADDR] [--pipeline NAME]: a readable table from the management API.
#include <cstdio>
#include <cstdlib>

#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/json_fields.h"
#include "runtime/status_view.h"

namespace sluice::runtime {
namespace {
const char* kStatusHelp =
    "usage: sluice status [--endpoint ADDR] [--pipeline NAME]\n"
    "       sluice status --cluster HOST:PORT   (nodes, pipelines, owners, lag, errors; "
    "docs/cluster.md)\n\n"
    "Prints the state, checkpoint, lag, rates and per-stage counters of the pipelines of a "
    "running\n"
    "`sluice run --api ADDR`. ADDR (HOST:PORT or https://HOST:PORT) defaults to $SLUICE_ENDPOINT,\n"
    "else 127.0.0.1:9465. The token is read from $SLUICE_API_TOKEN, the CA of an https endpoint\n"
    "from $SLUICE_API_CA.\n"
    "Exit codes: 0 ok, 2 usage, 3 the endpoint cannot be reached or a pipeline failed.\n";

const Value* field(const Value& v, const char* name) { return json_field(v, name); }
double number(const Value* v) { return json_number(v); }
std::string text(const Value* v) { return json_text(v); }

void print_pipeline(const Value& p) {
  const Value* cp = field(p, "last_checkpoint");
  std::string checkpoint = "-";
  if (cp && number(field(*cp, "id")) > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "#%.0f (%.1fs ago)", number(field(*cp, "id")),
                  number(field(*cp, "age_seconds")));
    checkpoint = buf;
  }
  char lag[32];
  std::snprintf(lag, sizeof lag, "%.2fs", number(field(p, "lag_seconds")));
  std::printf("%-20s %-10s %-18s %-8s %9s %10s %7s %6s %8s\n", text(field(p, "name")).c_str(),
              text(field(p, "state")).c_str(), checkpoint.c_str(), lag,
              human_count(number(field(p, "read_per_second"))).c_str(),
              human_count(number(field(p, "written_per_second"))).c_str(),
              human_count(number(field(p, "errors"))).c_str(),
              human_count(number(field(p, "dead_letters"))).c_str(),
              human_count(number(field(p, "restarts"))).c_str());
  if (!text(field(p, "reason")).empty())
    std::printf("  reason: %s\n", text(field(p, "reason")).c_str());
}

void print_stages(const Value& p) {
  const Value* stages = field(p, "stages");
  if (!stages || stages->type() != Type::List) return;
  std::printf("\n%s\n  %-20s %-18s %10s %10s %9s %9s %6s %6s %7s  %s\n",
              text(field(p, "name")).c_str(), "STAGE", "TYPE", "IN", "OUT", "OUT/S", "IN-FLIGHT",
              "DEAD", "ERRORS", "RETRIES", "NOTE");
  for (const auto& s : stages->as_list()) {
    const std::string type = stage_type(s);
    const std::string note = stage_note(s);
    std::printf("  %-20s %-18s %10s %10s %9s %9s %6s %6s %7s  %s\n", text(field(s, "name")).c_str(),
                type.c_str(), human_count(number(field(s, "in"))).c_str(),
                human_count(number(field(s, "out"))).c_str(),
                human_count(number(field(s, "out_per_second"))).c_str(),
                human_count(number(field(s, "in_flight"))).c_str(),
                human_count(number(field(s, "dead_letters"))).c_str(),
                human_count(number(field(s, "errors"))).c_str(),
                human_count(number(field(s, "retries"))).c_str(), note.c_str());
  }
}
}  // namespace

std::string default_endpoint() {
  const char* env = std::getenv("SLUICE_ENDPOINT");
  return env && *env ? env : "127.0.0.1:9465";
}

int command_status(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("status", argv, {"--endpoint", "--pipeline", "--cluster"}, {},
                                 kStatusHelp, exit_code, false);
  if (!args) return exit_code;
  if (auto cluster = args->get("--cluster")) return command_status_cluster(*cluster);
  const std::string endpoint = args->get("--endpoint").value_or(default_endpoint());
  const std::string only = args->get("--pipeline").value_or("");
  auto pipelines = fetch_pipelines(endpoint, only);
  if (!pipelines.ok()) {
    std::fprintf(stderr, "sluice status: %s\n", pipelines.err().message.c_str());
    return kExitRuntime;
  }
  std::printf("%-20s %-10s %-18s %-8s %9s %10s %7s %6s %8s\n", "PIPELINE", "STATE", "CHECKPOINT",
              "LAG", "READ/S", "WRITTEN/S", "ERRORS", "DEAD", "RESTARTS");
  bool failed = false;
  for (const auto& p : *pipelines) {
    failed = failed || text(field(p, "state")) == "failed";
    print_pipeline(p);
  }
  for (const auto& p : *pipelines) print_stages(p);
  const bool found = !pipelines->empty();
  if (!only.empty() && !found) {
    std::fprintf(stderr, "sluice status: no pipeline named '%s'\n", only.c_str());
    return kExitRuntime;
  }
  return failed ? kExitRuntime : kExitOk;
}

}  // namespace sluice::runtime
