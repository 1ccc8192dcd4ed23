#include "runtime/cli_main.h"

#include <cstdio>
#include <cstdlib>

#include "base/logger.h"
#include "runtime/command_table.h"
#include "runtime/command_usage.h"
#include "runtime/commands.h"
#include "runtime/version.h"

namespace sluice::runtime {
namespace {

// Removes `--log-level L` / `--log-level=L` wherever it stands (it is an option of every
// command) and applies it; exported as $SLUICE_LOG_LEVEL so the processes a command starts
// (a node's workers) log at the same level. False after a usage error.
bool take_log_level(std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string value;
    size_t n = 1;
    if (args[i] == "--log-level") {
      if (i + 1 >= args.size()) {
        std::fputs("sluice: option --log-level needs a value (error, warn, info, debug)\n", stderr);
        return false;
      }
      value = args[i + 1];
      n = 2;
    } else if (args[i].rfind("--log-level=", 0) == 0) {
      value = args[i].substr(12);
    } else {
      continue;
    }
    auto level = log::parse_level(value);
    if (!level) {
      std::fprintf(stderr, "sluice: --log-level takes error, warn, info or debug, not '%s'\n",
                   value.c_str());
      return false;
    }
    log::set_level(*level);
    ::setenv("SLUICE_LOG_LEVEL", value.c_str(), 1);
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
               args.begin() + static_cast<std::ptrdiff_t>(i + n));
    --i;
  }
  return true;
}
}  // namespace

int cli_main(std::vector<std::string> args) {
  log::apply_env_level();
  if (!take_log_level(args)) return kExitUsage;
  if (args.empty()) {
    std::fputs(render_usage().c_str(), stderr);
    return kExitUsage;
  }
  const std::string cmd = args[0];
  if (cmd == "--version") {
    std::puts(version_line().c_str());
    return kExitOk;
  }
  if (cmd == "--help" || cmd == "-h") return command_help({});
  const Command* c = find_command(cmd);
  if (c == nullptr) {
    std::fprintf(stderr, "sluice: unknown command '%s'\n\n%s", cmd.c_str(), render_usage().c_str());
    return kExitUsage;
  }
  return c->handler(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace sluice::runtime
