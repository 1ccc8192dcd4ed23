#include "operators/delta/local_table_store.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "operators/delta/delta_files.h"
#include "operators/delta/errc.h"

namespace sluice::operators::delta {

result<void> LocalTableStore::prepare() { return make_dirs(dir_); }

result<std::vector<std::string>> LocalTableStore::list_log() {
  return list_dir(dir_ + "/_delta_log");
}

result<std::string> LocalTableStore::read(const std::string& rel) {
  return read_whole(dir_ + "/" + rel);
}

result<void> LocalTableStore::publish(const std::string& rel, const std::string& bytes) {
  const std::string path = dir_ + "/" + rel;
  const std::string parent = path.substr(0, path.rfind('/'));
  if (auto d = make_dirs(parent); !d) return d;
  return publish_exclusive(path, bytes);
}

result<void> LocalTableStore::put(const std::string& rel, const std::string& bytes) {
  const std::string path = dir_ + "/" + rel;
  const std::string parent = path.substr(0, path.rfind('/'));
  if (auto d = make_dirs(parent); !d) return d;
  // A synced file of its own name first, then renamed over the entry.
  std::random_device rd;
  const std::string tmp = path + ".put-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  if (auto w = publish_exclusive(tmp, bytes); !w) return w;
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return error::transient(errc::io, "cannot replace " + path + ": " + why);
  }
  return sync_dir(parent);
}

result<int64_t> LocalTableStore::finish(const std::string& rel) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(local_path(rel), ec);
  if (ec) return error::fatal(errc::io, local_path(rel) + ": " + ec.message());
  if (auto r = sync_dir(dir_); !r) return error::fatal(errc::io, r.err().message);
  return static_cast<int64_t>(size);
}

void LocalTableStore::discard(const std::string& rel) { ::unlink(local_path(rel).c_str()); }

}  // namespace sluice::operators::delta
