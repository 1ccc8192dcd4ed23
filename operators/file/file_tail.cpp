#include "operators/file/file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "operators/file/errc.h"

namespace sluice::operators::file {
namespace {
constexpr size_t kChunk = 1 << 20;
}

FileTail::~FileTail() { close(); }

void FileTail::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

result<bool> FileTail::open_at(uint64_t offset) {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      if (errno == ENOENT) return false;
      return error::fatal(errc::read, "cannot open " + path_ + ": " + std::strerror(errno));
    }
  }
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    return error::fatal(errc::read, "cannot seek in " + path_ + ": " + std::strerror(errno));
  }
  buf_.clear();
  pos_ = 0;
  base_ = offset;
  return true;
}

result<size_t> FileTail::fill() {
  if (fd_ < 0) return size_t{0};
  if (pos_ > 0) {  // compact: drop consumed bytes
    buf_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kChunk);
  ssize_t n;
  do {
    n = ::read(fd_, buf_.data() + old, kChunk);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buf_.resize(old);
    return error::transient(errc::read, "cannot read " + path_ + ": " + std::strerror(errno));
  }
  buf_.resize(old + static_cast<size_t>(n));
  return static_cast<size_t>(n);
}

uint64_t FileTail::disk_size() const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace sluice::operators::file
