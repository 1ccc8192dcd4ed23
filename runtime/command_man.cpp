// sluice man: prints the man page (the one `sluice docs` writes to docs/sluice.1).
#include <cstdio>

#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/man_page.h"

namespace sluice::runtime {

int command_man(const std::vector<std::string>& argv) {
  const char* help =
      "usage: sluice man\n\n"
      "Prints the man page sluice(1) as roff, generated from the command table (read it with\n"
      "`sluice man | man -l -`; `sluice docs` writes it to docs/sluice.1).\n";
  int exit_code = kExitOk;
  if (!cli::parse_command("man", argv, {}, {}, help, exit_code, false)) return exit_code;
  std::fputs(render_man_page().c_str(), stdout);
  return kExitOk;
}

}  // namespace sluice::runtime
