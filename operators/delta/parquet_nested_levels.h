// The repetition or definition levels of one data page of a nested column, of any maximum
// level: Parquet's RLE/bit-packed hybrid at the bit width of the maximum, with its 4-byte
// length prefix (runs of 16 or more equal levels as RLE runs, the rest bit-packed 8 levels a
// group). The flat columns' ParquetLevels is the same encoding at bit width 1.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "operators/delta/parquet_levels.h"

namespace sluice::operators::delta {

class ParquetNestedLevels {
 public:
  // max_level: at most 255 (a bit width of at most 8).
  explicit ParquetNestedLevels(int max_level);

  void push(uint16_t level) { levels_.push_back(level); }
  size_t size() const { return levels_.size(); }
  int bit_width() const { return width_; }
  // Appends the length-prefixed encoding of every level pushed since clear().
  void encode(std::string& out) const;
  void clear() { levels_.clear(); }

 private:
  int width_;
  std::vector<uint16_t> levels_;
};

}  // namespace sluice::operators::delta
