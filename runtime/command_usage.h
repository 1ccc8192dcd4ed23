// The usage text of `sluice` (`sluice help`), generated from the command table.
#pragma once
#include <string>

namespace sluice::runtime {

std::string render_usage();

}  // namespace sluice::runtime
