// Decodes the repetition or definition levels of one data page of a nested column: Parquet's
// RLE/bit-packed hybrid at the bit width of the column's maximum level, after a 4-byte length
// (the counterpart of ParquetNestedLevels). Every run is bounds-checked, every level checked
// against the maximum, the runs must cover exactly the page's levels (a bit-packed run may pad
// its last group) and use every byte of the length. Throws ParquetReadError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::operators::delta {

class ParquetReadNestedLevels {
 public:
  // what: "repetition" or "definition", for messages. max_level: at most 255.
  ParquetReadNestedLevels(const char* what, int max_level);

  // Appends the num_values levels at the start of body to out; returns the bytes they take,
  // length included.
  size_t decode(std::string_view body, int64_t num_values, std::vector<uint16_t>& out);

 private:
  uint64_t read_uleb128();
  void rle_run(uint64_t count, uint64_t wanted, std::vector<uint16_t>& out);
  void bit_packed_run(uint64_t groups, uint64_t wanted, std::vector<uint16_t>& out);
  void check(uint64_t level) const;
  [[noreturn]] void fail(const std::string& what) const;

  const char* what_;
  int max_;
  int width_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

}  // namespace sluice::operators::delta
