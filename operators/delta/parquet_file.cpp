#include "operators/delta/parquet_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "operators/delta/errc.h"

namespace sluice::operators::delta {

ParquetFile::~ParquetFile() { close(); }

ParquetFile::ParquetFile(ParquetFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), offset_(o.offset_), path_(std::move(o.path_)) {}

ParquetFile& ParquetFile::operator=(ParquetFile&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    offset_ = o.offset_;
    path_ = std::move(o.path_);
  }
  return *this;
}

result<void> ParquetFile::open(const std::string& path) {
  close();
  path_ = path;
  offset_ = 0;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return failure("cannot create");
  return {};
}

result<void> ParquetFile::write(std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("cannot write");
    }
    p += n;
    left -= static_cast<size_t>(n);
    offset_ += n;
  }
  return {};
}

result<void> ParquetFile::sync_and_close() {
  if (::fsync(fd_) != 0) {
    error e = failure("cannot fsync");
    close();
    return e;
  }
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return failure("cannot close");
  return {};
}

void ParquetFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

error ParquetFile::failure(const char* what) const {
  return error::transient(errc::io, std::string(what) + " " + path_ + ": " + std::strerror(errno));
}

}  // namespace sluice::operators::delta
