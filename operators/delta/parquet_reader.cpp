#include "operators/delta/parquet_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "operators/delta/errc.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_footer.h"

namespace sluice::operators::delta {

namespace {

error parquet_read_file_error(const char* what, const std::string& path) {
  return error::transient(
      errc::io, std::string("parquet: cannot ") + what + " " + path + ": " + std::strerror(errno));
}

// The whole file at path.
result<std::string> parquet_read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return parquet_read_file_error("open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error e = parquet_read_file_error("stat", path);
    ::close(fd);
    return e;
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;  // shorter than fstat said: changed while read
      error e = parquet_read_file_error("read", path);
      ::close(fd);
      return e;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return bytes;
}

}  // namespace

ParquetReader::ParquetReader() : zstd_(std::make_unique<ParquetReadDecompressor>()) {}
ParquetReader::~ParquetReader() = default;
ParquetReader::ParquetReader(ParquetReader&&) noexcept = default;
ParquetReader& ParquetReader::operator=(ParquetReader&&) noexcept = default;

result<void> ParquetReader::open(std::string bytes) { return load(std::move(bytes), ""); }

result<void> ParquetReader::open_file(const std::string& path) {
  result<std::string> bytes = parquet_read_whole_file(path);
  if (!bytes) {
    open_ = false;
    meta_ = {};
    bytes_ = {};
    readers_.clear();
    return bytes.err();
  }
  return load(std::move(bytes.value()), path);
}

result<void> ParquetReader::load(std::string bytes, std::string name) {
  name_ = std::move(name);
  bytes_ = std::move(bytes);
  open_ = false;
  meta_ = {};
  readers_.clear();
  if (auto parsed = parquet_read_guarded(name_, kParquetNoRowGroup, [this] { parse(); }); !parsed) {
    meta_ = {};
    bytes_ = {};
    return parsed;
  }
  readers_.reserve(meta_.columns.size());
  for (const auto& c : meta_.columns) readers_.emplace_back(c, zstd_.get());
  open_ = true;
  return {};
}

void ParquetReader::parse() {
  int64_t pages_end = 0;
  std::string_view footer = parquet_read_footer_of(bytes_, pages_end);
  meta_ = ParquetReadFooter::parse(footer, pages_end);
}

result<void> ParquetReader::read_rows(
    const std::function<result<void>(std::vector<Value>& row)>& f) {
  if (!open_) return error::fatal(errc::io, "parquet: read_rows() without an open file");
  const size_t n = meta_.columns.size();
  std::vector<Value> row(n);
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    start_row_group(g);
    for (int64_t r = 0; r < meta_.row_groups[g].num_rows; ++r) {
      if (row.size() != n) row.resize(n);  // f may have changed it
      if (auto read = read_row(g, row); !read) return read;
      if (auto done = f(row); !done) return done;
    }
    if (auto finished = finish_row_group(g); !finished) return finished;
  }
  return {};
}

void ParquetReader::start_row_group(size_t g) {
  const ParquetReadRowGroup& rg = meta_.row_groups[g];
  std::string_view file(bytes_);
  for (size_t i = 0; i < readers_.size(); ++i) {
    const ParquetReadChunk& c = rg.columns[i];
    // The footer checked that the chunk lies within the file.
    readers_[i].start(file.substr(static_cast<size_t>(c.offset), static_cast<size_t>(c.size)), c);
  }
}

result<void> ParquetReader::read_row(size_t g, std::vector<Value>& row) {
  return parquet_read_guarded(name_, g, [&] {
    for (size_t i = 0; i < readers_.size(); ++i) readers_[i].next(row[i]);
  });
}

result<void> ParquetReader::finish_row_group(size_t g) {
  return parquet_read_guarded(name_, g, [this] {
    for (const auto& r : readers_) r.finish();
  });
}

}  // namespace sluice::operators::delta
