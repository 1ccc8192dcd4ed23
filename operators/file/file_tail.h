// Buffered reading of a file from a byte offset, able to pick up data appended later (tail).
// The file may not exist yet (follow mode waits for it).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sluice::operators::file {

class FileTail {
 public:
  explicit FileTail(std::string path) : path_(std::move(path)) {}
  ~FileTail();
  FileTail(const FileTail&) = delete;
  FileTail& operator=(const FileTail&) = delete;

  // Opens the file (if not open yet) positioned at `offset`. false when it does not exist.
  result<bool> open_at(uint64_t offset);
  bool is_open() const { return fd_ >= 0; }
  // Reads more bytes into the buffer; returns how many (0 = nothing more for now).
  result<size_t> fill();
  // Unconsumed buffered bytes.
  std::string_view view() const { return std::string_view(buf_).substr(pos_); }
  void consume(size_t n) { pos_ += n; }
  // File offset of the first unconsumed byte.
  uint64_t offset() const { return base_ + pos_; }
  // Current size of the file on disk (0 when missing).
  uint64_t disk_size() const;
  const std::string& path() const { return path_; }
  void close();

 private:
  std::string path_;
  int fd_ = -1;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t base_ = 0;  // file offset of buf_[0]
};

}  // namespace sluice::operators::file
