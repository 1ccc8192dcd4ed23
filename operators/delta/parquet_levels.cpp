#include "operators/delta/parquet_levels.h"

#include <cstring>

namespace sluice::operators::delta {

namespace {

constexpr size_t kParquetMinRleRun = 16;  // shorter runs are cheaper bit-packed

void put_parquet_uleb128(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

void ParquetLevels::encode(std::string& out) const {
  size_t prefix = out.size();
  out.append(4, '\0');
  size_t n = levels_.size();
  if (nulls_ == 0 || nulls_ == n) {
    if (n > 0) put_rle(n, nulls_ == 0 ? 1 : 0, out);
  } else {
    size_t literal = 0;  // the first level not yet written
    size_t i = 0;
    while (i < n) {
      size_t run = run_at(i);
      if (run >= kParquetMinRleRun) {
        put_bit_packed(literal, i, out);
        put_rle(run, levels_[i], out);
        i += run;
        literal = i;
      } else {
        i += 8;  // bit-packed runs hold whole groups of 8 (the last one padded)
      }
    }
    put_bit_packed(literal, n, out);
  }
  auto length = static_cast<uint32_t>(out.size() - prefix - 4);
  std::memcpy(out.data() + prefix, &length, 4);
}

size_t ParquetLevels::run_at(size_t i) const {
  size_t j = i + 1;
  while (j < levels_.size() && levels_[j] == levels_[i]) ++j;
  return j - i;
}

void ParquetLevels::put_rle(size_t count, uint8_t level, std::string& out) const {
  put_parquet_uleb128(static_cast<uint64_t>(count) << 1, out);
  out.push_back(static_cast<char>(level));
}

void ParquetLevels::put_bit_packed(size_t from, size_t to, std::string& out) const {
  if (to > levels_.size()) to = levels_.size();
  if (from >= to) return;
  size_t groups = (to - from + 7) / 8;
  put_parquet_uleb128((static_cast<uint64_t>(groups) << 1) | 1, out);
  for (size_t g = 0; g < groups; ++g) {
    uint8_t byte = 0;
    for (size_t b = 0; b < 8; ++b) {
      size_t k = from + g * 8 + b;
      if (k < to && levels_[k] != 0) byte |= static_cast<uint8_t>(1u << b);
    }
    out.push_back(static_cast<char>(byte));
  }
}

}  // namespace sluice::operators::delta
