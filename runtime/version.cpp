#include "runtime/version.h"

#include "sluice_build_info.h"

namespace sluice::runtime {

const char* sluice_version() { return SLUICE_VERSION; }
const char* sluice_git_hash() { return SLUICE_GIT_HASH; }
std::string version_line() {
  return std::string("sluice ") + sluice_version() + " (" + sluice_git_hash() + ")";
}

}  // namespace sluice::runtime
