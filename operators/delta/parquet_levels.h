// The definition levels of one data page of a nullable column (1: a value, 0: null), encoded
// as Parquet's RLE/bit-packed hybrid with bit width 1 and its 4-byte length prefix: runs of 16
// or more equal levels as RLE runs, everything between them bit-packed 8 levels a byte.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::operators::delta {

class ParquetLevels {
 public:
  void push(bool defined) {
    levels_.push_back(defined ? 1 : 0);
    if (!defined) ++nulls_;
  }
  size_t size() const { return levels_.size(); }
  size_t nulls() const { return nulls_; }
  // Appends the length-prefixed encoding of every level pushed since clear().
  void encode(std::string& out) const;
  void clear() {
    levels_.clear();
    nulls_ = 0;
  }

 private:
  size_t run_at(size_t i) const;  // how many equal levels start at i
  void put_rle(size_t count, uint8_t level, std::string& out) const;
  void put_bit_packed(size_t from, size_t to, std::string& out) const;

  std::vector<uint8_t> levels_;
  size_t nulls_ = 0;
};

}  // namespace sluice::operators::delta
