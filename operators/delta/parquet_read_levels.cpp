#include "operators/delta/parquet_read_levels.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

size_t ParquetReadLevels::start(std::string_view body, int64_t num_values) {
  uint32_t length = 0;
  if (body.size() < 4) throw ParquetReadError("definition levels truncated");
  std::memcpy(&length, body.data(), 4);
  if (length > body.size() - 4) {
    throw ParquetReadError("definition levels of " + std::to_string(length) +
                           " bytes in a page of " + std::to_string(body.size()));
  }
  data_ = reinterpret_cast<const uint8_t*>(body.data()) + 4;
  size_ = length;
  pos_ = 0;
  defined_ = 0;
  auto wanted = static_cast<uint64_t>(num_values);
  uint64_t covered = 0;
  while (covered < wanted) {
    Run r = read_run();
    uint64_t n = std::min(r.count, wanted - covered);
    // Only a bit-packed run may go past the page's levels, and only to fill its last group.
    if (r.count - n >= (r.rle ? 1 : 8)) {
      throw ParquetReadError("a definition level run goes past the page's " +
                             std::to_string(num_values) + " values");
    }
    defined_ += r.rle ? (r.value ? static_cast<int64_t>(n) : 0) : count_ones(r.bits, n);
    covered += n;
  }
  if (pos_ != size_) {
    throw ParquetReadError(std::to_string(size_ - pos_) +
                           " bytes after the page's definition levels");
  }
  pos_ = 0;
  left_ = 0;
  return 4 + static_cast<size_t>(length);
}

ParquetReadLevels::Run ParquetReadLevels::read_run() {
  uint64_t header = read_uleb128();
  Run r;
  if ((header & 1) != 0) {
    uint64_t groups = header >> 1;  // bit width 1: a group of 8 levels is one byte
    if (groups == 0 || groups > size_ - pos_) {
      throw ParquetReadError("a bit-packed definition level run of " + std::to_string(groups) +
                             " bytes where " + std::to_string(size_ - pos_) + " are left");
    }
    r.bits = data_ + pos_;
    r.count = groups * 8;
    pos_ += groups;
    return r;
  }
  r.rle = true;
  r.count = header >> 1;
  if (r.count == 0 || pos_ >= size_) throw ParquetReadError("a definition level run truncated");
  uint8_t level = data_[pos_++];
  if (level > 1) throw ParquetReadError("definition level " + std::to_string(level) + " above 1");
  r.value = level == 1;
  return r;
}

uint64_t ParquetReadLevels::read_uleb128() {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos_ >= size_) throw ParquetReadError("definition levels truncated");
    uint8_t b = data_[pos_++];
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw ParquetReadError("a definition level run header over 5 bytes");
}

void ParquetReadLevels::next_run() {
  // start() checked every run up to the page's last level.
  Run r = read_run();
  left_ = r.count;
  rle_ = r.rle;
  value_ = r.value;
  bits_ = r.bits;
  bit_ = 0;
}

int64_t ParquetReadLevels::count_ones(const uint8_t* bits, uint64_t n) {
  int64_t ones = 0;
  uint64_t bytes = n / 8;
  for (uint64_t i = 0; i < bytes; ++i) ones += std::popcount(bits[i]);
  if (n % 8 != 0) {
    auto mask = static_cast<uint8_t>((1u << (n % 8)) - 1);
    ones += std::popcount(static_cast<uint8_t>(bits[bytes] & mask));
  }
  return ones;
}

}  // namespace sluice::operators::delta
