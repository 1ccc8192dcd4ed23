// The definition levels of one data page of a nullable column (1: a value, 0: null), encoded
// as Parquet's RLE/bit-packed hybrid with bit width 1 and its 4-byte length prefix: runs of 16
// or more equal levels as RLE runs, everything between them bit-packed 8 levels a byte.
// parquet_encode_levels is that encoding at any bit width, for ParquetNestedLevels too.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::operators::delta {

// The bit width of levels up to max_level.
constexpr int parquet_level_bit_width(int max_level) {
  int w = 0;
  while (max_level > 0) {
    ++w;
    max_level >>= 1;
  }
  return w;
}

// Appends the length-prefixed encoding of levels at bit width `width` (at most 8). one_run:
// the levels are all equal, written as one RLE run however few. Level: uint8_t or uint16_t.
template <class Level>
void parquet_encode_levels(const std::vector<Level>& levels, int width, bool one_run,
                           std::string& out);

class ParquetLevels {
 public:
  void push(bool defined) {
    levels_.push_back(defined ? 1 : 0);
    if (!defined) ++nulls_;
  }
  size_t size() const { return levels_.size(); }
  size_t nulls() const { return nulls_; }
  // Appends the length-prefixed encoding of every level pushed since clear().
  void encode(std::string& out) const {
    parquet_encode_levels(levels_, 1, nulls_ == 0 || nulls_ == levels_.size(), out);
  }
  void clear() {
    levels_.clear();
    nulls_ = 0;
  }

 private:
  std::vector<uint8_t> levels_;
  size_t nulls_ = 0;
};

}  // namespace sluice::operators::delta
