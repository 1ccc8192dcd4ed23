#include "operators/delta/local_table_store.h"

#include <unistd.h>

#include <filesystem>

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

result<int64_t> LocalTableStore::finish(const std::string& rel) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(local_path(rel), ec);
  if (ec) return error::fatal(errc::io, local_path(rel) + ": " + ec.message());
  if (auto r = sync_dir(dir_); !r) return error::fatal(errc::io, r.err().message);
  return static_cast<int64_t>(size);
}

void LocalTableStore::discard(const std::string& rel) { ::unlink(local_path(rel).c_str()); }

}  // namespace sluice::operators::delta
