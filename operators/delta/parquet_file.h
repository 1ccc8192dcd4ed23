// The file descriptor a Parquet file is written through: creates or truncates it, writes with
// plain write(2) loops, counts the bytes written, fsyncs and closes. Errors are errc io.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sluice::operators::delta {

class ParquetFile {
 public:
  ParquetFile() = default;
  ~ParquetFile();  // closes an open descriptor (no fsync)
  ParquetFile(ParquetFile&& o) noexcept;
  ParquetFile& operator=(ParquetFile&& o) noexcept;
  ParquetFile(const ParquetFile&) = delete;
  ParquetFile& operator=(const ParquetFile&) = delete;

  result<void> open(const std::string& path);
  result<void> write(std::string_view bytes);
  result<void> sync_and_close();
  void close();  // without fsync; nothing when not open

  bool is_open() const { return fd_ >= 0; }
  int64_t offset() const { return offset_; }  // bytes written since open()
  const std::string& path() const { return path_; }

 private:
  error failure(const char* what) const;  // errc io with errno's text

  int fd_ = -1;
  int64_t offset_ = 0;
  std::string path_;
};

}  // namespace sluice::operators::delta
