#include "operators/common/state/state_files.h"

#include <mutex>

namespace sluice::operators::state {
namespace {

std::mutex g_files_mu;
std::shared_ptr<StateFiles> g_files;

}  // namespace

void StateFiles::install(std::shared_ptr<StateFiles> files) {
  std::lock_guard<std::mutex> lock(g_files_mu);
  g_files = std::move(files);
}

std::shared_ptr<StateFiles> StateFiles::installed() {
  std::lock_guard<std::mutex> lock(g_files_mu);
  return g_files;
}

}  // namespace sluice::operators::state
