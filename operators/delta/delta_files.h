// File-system steps of the delta sink: directories, whole-file writes that are durable, and
// the put-if-absent publication of a commit (the atomic "create if it does not exist" Delta
// requires of its log store; on a local file system: link(2) of a synced temporary file).
#pragma once
#include <string>
#include <vector>

#include "base/result.h"

namespace sluice::operators::delta {

// mkdir -p.
result<void> make_dirs(const std::string& dir);
// Writes `content` to `path` only if no file of that name exists, durably (the file and its
// directory synced). errc::log with "exists" in the message when it does.
result<void> publish_exclusive(const std::string& path, const std::string& content);
// The whole file; an error when it cannot be read.
result<std::string> read_whole(const std::string& path);
// Names of the entries of a directory (not . and ..); empty when it does not exist.
std::vector<std::string> list_dir(const std::string& dir);
// fsync of a directory (after files were created in it).
result<void> sync_dir(const std::string& dir);

}  // namespace sluice::operators::delta
