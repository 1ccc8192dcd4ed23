#include "operators/delta/delta_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "operators/delta/errc.h"

namespace sluice::operators::delta {
namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

result<void> write_synced(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return error::transient(errc::io, "cannot create " + path + ": " + strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = strerror(errno);
      ::close(fd);
      return error::transient(errc::io, "cannot write " + path + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return error::transient(errc::io, "cannot sync " + path + ": " + strerror(errno));
  }
  return {};
}

}  // namespace

result<void> make_dirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error::transient(errc::io, "cannot create directory " + dir + ": " + ec.message());
  return {};
}

result<void> sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return error::transient(errc::io, "cannot open " + dir + ": " + strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return error::transient(errc::io, "cannot sync " + dir + ": " + strerror(errno));
  return {};
}

result<void> publish_exclusive(const std::string& path, const std::string& content) {
  std::random_device rd;
  const std::string dir = parent_of(path);
  const std::string tmp = dir + "/.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  if (auto w = write_synced(tmp, content); !w) return w;
  const int rc = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && link_errno == EEXIST) {
    return error::fatal(errc::log, path + " exists: another writer committed this version");
  }
  if (rc != 0) {
    return error::transient(errc::io, "cannot publish " + path + ": " + strerror(link_errno));
  }
  return sync_dir(dir);
}

result<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error::transient(errc::log, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

}  // namespace sluice::operators::delta
