#include "operators/file/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/event_codec.h"
#include "operators/file/errc.h"
#include "operators/file/file_spec.h"

namespace sluice::operators::file {
namespace {
constexpr size_t kFlushAt = 1 << 20;
}

FileSink::~FileSink() { close(); }

result<std::unique_ptr<Sink>> FileSink::make(const StageConfig& cfg) {
  auto o = bound_sink_spec().read(cfg);
  if (!o.ok()) return o.err();
  return std::unique_ptr<Sink>(new FileSink(o->path));
}

result<void> FileSink::open(const std::string& state) {
  uint64_t keep = 0;
  if (!state.empty()) {
    try {
      keep = std::stoull(state);
    } catch (const std::exception&) {
      return error::fatal(errc::write, "sink file: bad checkpoint state '" + state + "'");
    }
  }
  close();
  buf_.clear();
  std::error_code ec;
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    return error::transient(errc::open, "cannot open " + path_ + ": " + std::strerror(errno));
  off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size < 0)
    return error::transient(errc::write, "cannot seek " + path_ + ": " + std::strerror(errno));
  if (static_cast<uint64_t>(size) < keep) {
    return error::fatal(errc::write, "sink file: " + path_ + " is shorter (" +
                                         std::to_string(size) + " bytes) than its checkpoint (" +
                                         std::to_string(keep) + " bytes)");
  }
  if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(keep), SEEK_SET) < 0) {
    return error::transient(errc::write, "cannot truncate " + path_ + ": " + std::strerror(errno));
  }
  length_ = keep;
  return {};
}

result<void> FileSink::flush() {
  size_t done = 0;
  while (done < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string msg = std::string("cannot write ") + path_ + ": " + std::strerror(errno);
      // Nothing of this flush counts: cut the partial write off so a retry starts clean.
      if (::ftruncate(fd_, static_cast<off_t>(length_)) == 0) {
        (void)::lseek(fd_, static_cast<off_t>(length_), SEEK_SET);
      }
      return error::transient(errc::write, msg);
    }
    done += static_cast<size_t>(n);
  }
  length_ += buf_.size();
  buf_.clear();
  return {};
}

result<void> FileSink::write(std::vector<Event>& events, std::vector<Event>& /*dead*/) {
  if (fd_ < 0) return error::fatal(errc::open, "sink file " + path_ + ": write before open");
  size_t mark = buf_.size();
  for (const Event& e : events) event_codec::append_line(e, buf_);
  if (buf_.size() >= kFlushAt) {
    auto r = flush();
    if (!r.ok()) {
      buf_.resize(mark);  // the caller retries this call's events
      return r;
    }
  }
  return {};
}

result<std::string> FileSink::checkpoint(uint64_t /*id*/) {
  if (fd_ < 0) return error::fatal(errc::open, "sink file " + path_ + ": checkpoint before open");
  auto r = flush();
  if (!r.ok()) return r.err();
  if (::fsync(fd_) != 0) {
    return error::transient(errc::write, "cannot fsync " + path_ + ": " + std::strerror(errno));
  }
  return std::to_string(length_);
}

void FileSink::close() {
  if (fd_ < 0) return;
  (void)flush();
  (void)::fsync(fd_);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace sluice::operators::file
