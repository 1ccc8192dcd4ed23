// The man page sluice(1), generated from the command table: `sluice man` prints it, `sluice
// docs` writes it to docs/sluice.1 (`man -l docs/sluice.1`).
#pragma once
#include <string>

namespace sluice::runtime {

std::string render_man_page();

}  // namespace sluice::runtime
