// The definition levels of one data page of a nullable column (1: a value, 0: null), as
// ParquetLevels writes them: Parquet's RLE/bit-packed hybrid of bit width 1 after a 4-byte
// length. start() checks them whole (runs exactly cover the page's levels, every byte used) and
// counts the values; next() then streams them without allocating.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::operators::delta {

class ParquetReadLevels {
 public:
  // The levels at the start of body for a page of num_values (> 0) levels. Returns the bytes
  // they take, length included. Throws ParquetReadError; body must outlive the streaming.
  size_t start(std::string_view body, int64_t num_values);
  // How many of the page's levels are values (1).
  int64_t defined() const { return defined_; }
  // The next level (true: a value); at most num_values times after start().
  bool next() {
    if (left_ == 0) next_run();
    --left_;
    if (rle_) return value_;
    bool v = ((bits_[bit_ >> 3] >> (bit_ & 7)) & 1) != 0;
    ++bit_;
    return v;
  }

 private:
  struct Run {
    bool rle = false;
    bool value = false;             // RLE: the repeated level
    uint64_t count = 0;             // levels in the run (bit-packed: groups of 8)
    const uint8_t* bits = nullptr;  // bit-packed: the levels, the first in the lowest bit
  };
  Run read_run();  // the run at pos_, bounds-checked; pos_ moves past it
  uint64_t read_uleb128();
  void next_run();
  static int64_t count_ones(const uint8_t* bits, uint64_t n);

  const uint8_t* data_ = nullptr;  // the runs, after the length
  size_t size_ = 0;
  size_t pos_ = 0;
  int64_t defined_ = 0;
  // The run being streamed.
  uint64_t left_ = 0;
  bool rle_ = false;
  bool value_ = false;
  const uint8_t* bits_ = nullptr;
  size_t bit_ = 0;
};

}  // namespace sluice::operators::delta
