#include "operators/delta/parquet_nested_levels.h"

#include <cstring>

namespace sluice::operators::delta {

namespace {

constexpr size_t kNestedMinRleRun = 16;  // shorter runs are cheaper bit-packed

void put_nested_uleb128(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

int nested_bit_width(int max_level) {
  int w = 0;
  while (max_level > 0) {
    ++w;
    max_level >>= 1;
  }
  return w;
}

}  // namespace

ParquetNestedLevels::ParquetNestedLevels(int max_level) : width_(nested_bit_width(max_level)) {}

void ParquetNestedLevels::encode(std::string& out) const {
  const size_t prefix = out.size();
  out.append(4, '\0');
  const size_t n = levels_.size();
  size_t literal = 0;  // the first level not yet written
  size_t i = 0;
  while (i < n) {
    size_t run = run_at(i);
    if (run >= kNestedMinRleRun) {
      put_bit_packed(literal, i, out);
      put_rle(run, levels_[i], out);
      i += run;
      literal = i;
    } else {
      i += 8;  // bit-packed runs hold whole groups of 8 (the last one padded)
    }
  }
  put_bit_packed(literal, n, out);
  auto length = static_cast<uint32_t>(out.size() - prefix - 4);
  std::memcpy(out.data() + prefix, &length, 4);
}

size_t ParquetNestedLevels::run_at(size_t i) const {
  size_t j = i + 1;
  while (j < levels_.size() && levels_[j] == levels_[i]) ++j;
  return j - i;
}

void ParquetNestedLevels::put_rle(size_t count, uint16_t level, std::string& out) const {
  put_nested_uleb128(static_cast<uint64_t>(count) << 1, out);
  // The value in ceil(width / 8) bytes, little-endian.
  for (int b = 0; b < (width_ + 7) / 8; ++b) out.push_back(static_cast<char>(level >> (8 * b)));
}

void ParquetNestedLevels::put_bit_packed(size_t from, size_t to, std::string& out) const {
  if (to > levels_.size()) to = levels_.size();
  if (from >= to) return;
  const size_t groups = (to - from + 7) / 8;
  put_nested_uleb128((static_cast<uint64_t>(groups) << 1) | 1, out);
  // Each group of 8 levels is `width` bytes, the levels' bits one after the other, the first
  // level in the lowest bits.
  for (size_t g = 0; g < groups; ++g) {
    uint64_t bits = 0;
    for (size_t k = 0; k < 8; ++k) {
      size_t at = from + g * 8 + k;
      uint64_t level = at < to ? levels_[at] : 0;
      bits |= level << (k * static_cast<size_t>(width_));
    }
    for (int b = 0; b < width_; ++b) out.push_back(static_cast<char>(bits >> (8 * b)));
  }
}

}  // namespace sluice::operators::delta
