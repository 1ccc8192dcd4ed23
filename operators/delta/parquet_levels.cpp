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

// How many equal levels start at i.
template <class Level>
size_t parquet_level_run_at(const std::vector<Level>& levels, size_t i) {
  size_t j = i + 1;
  while (j < levels.size() && levels[j] == levels[i]) ++j;
  return j - i;
}

void put_parquet_level_rle(size_t count, unsigned level, int width, std::string& out) {
  put_parquet_uleb128(static_cast<uint64_t>(count) << 1, out);
  // The value in ceil(width / 8) bytes, little-endian.
  for (int b = 0; b < (width + 7) / 8; ++b) out.push_back(static_cast<char>(level >> (8 * b)));
}

template <class Level>
void put_parquet_level_bits(const std::vector<Level>& levels, size_t from, size_t to, int width,
                            std::string& out) {
  if (to > levels.size()) to = levels.size();
  if (from >= to) return;
  const size_t groups = (to - from + 7) / 8;
  put_parquet_uleb128((static_cast<uint64_t>(groups) << 1) | 1, out);
  // Each group of 8 levels is `width` bytes, the levels' bits one after the other, the first
  // level in the lowest bits.
  for (size_t g = 0; g < groups; ++g) {
    uint64_t bits = 0;
    for (size_t k = 0; k < 8; ++k) {
      size_t at = from + g * 8 + k;
      uint64_t level = at < to ? levels[at] : 0;
      bits |= level << (k * static_cast<size_t>(width));
    }
    for (int b = 0; b < width; ++b) out.push_back(static_cast<char>(bits >> (8 * b)));
  }
}

}  // namespace

template <class Level>
void parquet_encode_levels(const std::vector<Level>& levels, int width, bool one_run,
                           std::string& out) {
  const size_t prefix = out.size();
  out.append(4, '\0');
  const size_t n = levels.size();
  if (one_run) {
    if (n > 0) put_parquet_level_rle(n, levels[0], width, out);
  } else {
    size_t literal = 0;  // the first level not yet written
    size_t i = 0;
    while (i < n) {
      size_t run = parquet_level_run_at(levels, i);
      if (run >= kParquetMinRleRun) {
        put_parquet_level_bits(levels, literal, i, width, out);
        put_parquet_level_rle(run, levels[i], width, out);
        i += run;
        literal = i;
      } else {
        i += 8;  // bit-packed runs hold whole groups of 8 (the last one padded)
      }
    }
    put_parquet_level_bits(levels, literal, n, width, out);
  }
  auto length = static_cast<uint32_t>(out.size() - prefix - 4);
  std::memcpy(out.data() + prefix, &length, 4);
}

template void parquet_encode_levels(const std::vector<uint8_t>&, int, bool, std::string&);
template void parquet_encode_levels(const std::vector<uint16_t>&, int, bool, std::string&);

}  // namespace sluice::operators::delta
