// sluice completions bash|zsh: prints a shell completion script.
#include <cstdio>

#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/shell_completions.h"

namespace sluice::runtime {

int command_completions(const std::vector<std::string>& argv) {
  const char* help =
      "usage: sluice completions bash|zsh\n\n"
      "Prints a completion script for the shell, generated from the command table:\n"
      "  bash: source <(sluice completions bash), or save it in /etc/bash_completion.d/sluice\n"
      "  zsh:  sluice completions zsh > \"${fpath[1]}/_sluice\" (or source it after compinit)\n";
  int exit_code = kExitOk;
  auto args = cli::parse_command("completions", argv, {}, {}, help, exit_code);
  if (!args) return exit_code;
  const std::string shell = args->positional.size() == 1 ? args->positional[0] : "";
  if (shell == "bash") {
    std::fputs(render_bash_completion().c_str(), stdout);
  } else if (shell == "zsh") {
    std::fputs(render_zsh_completion().c_str(), stdout);
  } else {
    std::fprintf(stderr, "sluice completions: expected bash or zsh\n\n%s", help);
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace sluice::runtime
