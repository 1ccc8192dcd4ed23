// The command table: every `sluice` command as data (name, synopsis, one-line description,
// options, handler). main() dispatches through it; the usage text, the shell completions
// (`sluice completions`) and the man page (`sluice man`, docs/sluice.1) are generated from it.
// A new command is one row in runtime/command_table.cpp.
#pragma once
#include <string>
#include <vector>

namespace sluice::runtime {

using CommandHandler = int (*)(const std::vector<std::string>& args);

struct CommandOption {
  std::string name;  // "--format"
  std::string arg;   // "" = a flag; "dot|mermaid|svg" = one of these words; else a placeholder
                     // ("FILE", "DIR", "ADDR", "D"): FILE and DIR complete paths
  std::string help;  // one line
};

struct Command {
  std::string name;      // "run"
  std::string synopsis;  // what follows `sluice NAME` in the usage line
  std::string summary;   // one line
  std::vector<CommandOption> options;
  CommandHandler handler = nullptr;
  bool hidden = false;  // internal (node-worker): dispatched, never listed
};

// Every command, in the order the usage text lists them.
const std::vector<Command>& commands();
const Command* find_command(const std::string& name);

// Options `sluice` takes before (or anywhere beside) any command: --log-level.
const std::vector<CommandOption>& global_options();

// The choices of an option whose arg is "a|b|c" (empty for a placeholder or a flag).
std::vector<std::string> option_choices(const CommandOption& o);

}  // namespace sluice::runtime
