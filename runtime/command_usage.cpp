#include "runtime/command_usage.h"

#include <cstdio>

#include "runtime/command_table.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
constexpr size_t kSummaryColumn = 38;

// "  run FILE [...]   summary", the summary on the next line when the synopsis is long.
std::string usage_line(const std::string& head, const std::string& summary) {
  std::string line = "  " + head;
  if (line.size() + 2 > kSummaryColumn) {
    line += "\n";
    line.append(kSummaryColumn, ' ');
  } else {
    line.append(kSummaryColumn - line.size(), ' ');
  }
  return line + summary + "\n";
}
}  // namespace

std::string render_usage() {
  std::string out = "usage: sluice [--log-level LEVEL] COMMAND [ARGS]\n       sluice --version\n\n";
  out += "commands:\n";
  for (const auto& c : commands()) {
    if (c.hidden) continue;
    out += usage_line(c.synopsis.empty() ? c.name : c.name + " " + c.synopsis, c.summary);
  }
  out += "\noptions of every command:\n";
  for (const auto& o : global_options()) {
    out += usage_line(o.arg.empty() ? o.name : o.name + " " + o.arg, o.help);
  }
  out +=
      "\n`sluice COMMAND --help` describes each command.\n"
      "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.\n";
  return out;
}

int command_help(const std::vector<std::string>&) {
  std::fputs(render_usage().c_str(), stdout);
  return kExitOk;
}

}  // namespace sluice::runtime
