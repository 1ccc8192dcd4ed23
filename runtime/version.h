// The version of this build (CMake's project()) and its git commit (cmake/BuildInfo.cmake).
#pragma once
#include <string>

namespace sluice::runtime {

const char* sluice_version();   // "0.2.0"
const char* sluice_git_hash();  // "abc1234", or "unknown" outside a git checkout
std::string version_line();     // "sluice 0.2.0 (abc1234)"

}  // namespace sluice::runtime
