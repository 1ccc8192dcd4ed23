// Copies a state store's checkpoints to StateFiles (state_files.h) and back, so that the next
// owner of a pipeline restores on another node what this one checkpointed. Incremental like the
// checkpoints themselves: a table file is uploaded once (under a name unique to the working
// copy that wrote it) and referenced by every later checkpoint that still holds it. Layout
// under `base` ("<pipeline>/<stage>/<instance>"):
//   base/sst/<tag>-000012.sst        table files
//   base/<checkpoint>/<file>         the small files of one checkpoint (MANIFEST, OPTIONS, ...)
//   base/<checkpoint>/SLUICE-FILES   its file list, written last: the checkpoint is complete
// The same SLUICE-FILES ("<local name> <remote name>" lines) is kept in the local checkpoint.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "operators/common/state/state_files.h"

namespace sluice::operators::state {

class CheckpointShipper {
 public:
  static constexpr const char* kListName = "SLUICE-FILES";

  CheckpointShipper(std::shared_ptr<StateFiles> files, std::string base, std::string tag)
      : files_(std::move(files)), base_(std::move(base)), tag_(std::move(tag)) {}

  // After the local checkpoint `dir` (named `name`) was taken: uploads what is new.
  result<void> ship(const std::string& dir, const std::string& name);
  // Downloads checkpoint `name` into the local `dir` (which does not exist yet).
  result<void> fetch(const std::string& dir, const std::string& name);
  // Remembers the table files a restored checkpoint `dir` already has remotely.
  void adopt(const std::string& dir);
  // Deletes remote checkpoints older than `keep_id` and the table files that none of the local
  // checkpoints in `store_dir` lists any more.
  void collect(const std::string& store_dir, uint64_t keep_id);

 private:
  std::shared_ptr<StateFiles> files_;
  std::string base_, tag_;
  std::map<std::string, std::string> shipped_;  // local table file -> remote name
};

}  // namespace sluice::operators::state
