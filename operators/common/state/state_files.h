// Where the checkpoints of the state stores go so that another node can restore them (a
// cluster worker installs one backed by the cluster's PostgreSQL state store). Without one
// they stay in the local state directory. Names are paths ("<pipeline>/<stage>/<instance>/
// sst/<tag>-000012.sst"); files are immutable once written under a name.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace sluice::operators::state {

class StateFiles {
 public:
  virtual ~StateFiles() = default;
  virtual result<void> put(const std::string& name, const std::string& bytes) = 0;
  // nullopt when there is no file of that name.
  virtual result<std::optional<std::string>> get(const std::string& name) = 0;
  // The names starting with `prefix`.
  virtual result<std::vector<std::string>> list(const std::string& prefix) = 0;
  virtual result<void> remove(const std::vector<std::string>& names) = 0;

  // The process-wide instance every KeyedStore uses (nullptr: none, the default).
  static void install(std::shared_ptr<StateFiles> files);
  static std::shared_ptr<StateFiles> installed();
};

}  // namespace sluice::operators::state
