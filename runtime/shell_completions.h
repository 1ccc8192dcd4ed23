// Shell completion scripts generated from the command table (`sluice completions bash|zsh`):
// commands with their summaries, each command's options, the words an option takes
// (--format dot|mermaid|svg), paths for FILE and DIR.
#pragma once
#include <string>

namespace sluice::runtime {

std::string render_bash_completion();
std::string render_zsh_completion();

}  // namespace sluice::runtime
