#include "engine/actors/state_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "engine/core/errc.h"

namespace sluice::engine {
namespace {

std::mutex& held_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, std::weak_ptr<StateDirLock>>& held() {
  static std::map<std::string, std::weak_ptr<StateDirLock>> h;
  return h;
}

std::string read_pid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

result<std::shared_ptr<StateDirLock>> StateDirLock::acquire(const std::string& dir) {
  std::error_code ec;
  const std::string key = std::filesystem::weakly_canonical(dir, ec).string();
  std::lock_guard<std::mutex> g(held_mutex());
  if (auto mine = held()[key].lock()) return mine;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return error::fatal(errc::checkpoint_failed,
                        "cannot create state directory " + dir + ": " + ec.message());
  const std::string path = dir + "/.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return error::fatal(errc::checkpoint_failed,
                        "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    std::string pid = read_pid(fd);
    ::close(fd);
    if (e != EWOULDBLOCK)
      return error::fatal(errc::checkpoint_failed, "cannot lock " + path + ": " + std::strerror(e));
    return error::permanent(errc::checkpoint_failed,
                            "state directory " + dir + " is in use by another sluice process" +
                                (pid.empty() ? std::string() : " (pid " + pid + ")") +
                                ": stop it first, or give this run its own --state-dir");
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The lock holds without the pid; only the message of a second process lacks it.
  }
  std::shared_ptr<StateDirLock> lock(new StateDirLock(dir, fd));
  held()[key] = lock;
  return lock;
}

StateDirLock::~StateDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace sluice::engine
