#include "operators/delta/parquet_read_nested_levels.h"

#include <algorithm>
#include <cstring>

#include "operators/delta/parquet_levels.h"
#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

ParquetReadNestedLevels::ParquetReadNestedLevels(const char* what, int max_level)
    : what_(what), max_(max_level), width_(parquet_level_bit_width(max_level)) {}

size_t ParquetReadNestedLevels::decode(std::string_view body, int64_t num_values,
                                       std::vector<uint16_t>& out) {
  uint32_t length = 0;
  if (body.size() < 4) fail("levels truncated");
  std::memcpy(&length, body.data(), 4);
  if (length > body.size() - 4) {
    fail("levels of " + std::to_string(length) + " bytes in a page of " +
         std::to_string(body.size()));
  }
  data_ = reinterpret_cast<const uint8_t*>(body.data()) + 4;
  size_ = length;
  pos_ = 0;
  const auto wanted = static_cast<uint64_t>(num_values);
  const size_t start = out.size();
  while (out.size() - start < wanted) {
    const uint64_t header = read_uleb128();
    const uint64_t left = wanted - (out.size() - start);
    if ((header & 1) != 0) {
      bit_packed_run(header >> 1, left, out);
    } else {
      rle_run(header >> 1, left, out);
    }
  }
  if (pos_ != size_) fail(std::to_string(size_ - pos_) + " bytes after the page's levels");
  return 4 + static_cast<size_t>(length);
}

void ParquetReadNestedLevels::rle_run(uint64_t count, uint64_t wanted, std::vector<uint16_t>& out) {
  const size_t bytes = static_cast<size_t>(width_ + 7) / 8;
  if (count == 0 || count > wanted) {
    fail("a run of " + std::to_string(count) + " levels where " + std::to_string(wanted) +
         " are left");
  }
  if (bytes > size_ - pos_) fail("a level run truncated");
  uint64_t level = 0;
  for (size_t b = 0; b < bytes; ++b) level |= static_cast<uint64_t>(data_[pos_ + b]) << (8 * b);
  pos_ += bytes;
  check(level);
  out.insert(out.end(), count, static_cast<uint16_t>(level));
}

void ParquetReadNestedLevels::bit_packed_run(uint64_t groups, uint64_t wanted,
                                             std::vector<uint16_t>& out) {
  // Each group: 8 levels in `width` bytes, the first in the lowest bits; only the page's last
  // group may hold padding.
  const auto width = static_cast<uint64_t>(width_);
  if (groups == 0 || width == 0 || groups > (size_ - pos_) / width) {
    fail("a bit-packed run of " + std::to_string(groups) + " groups where " +
         std::to_string(size_ - pos_) + " bytes are left");
  }
  if ((groups - 1) * 8 >= wanted) {
    fail("a bit-packed run goes past the page's " + std::to_string(wanted) + " levels left");
  }
  const uint64_t take = std::min(groups * 8, wanted);
  const uint64_t mask = (uint64_t{1} << width) - 1;
  for (uint64_t g = 0; g < groups; ++g) {
    uint64_t bits = 0;
    for (uint64_t b = 0; b < width; ++b) {
      bits |= static_cast<uint64_t>(data_[pos_ + g * width + b]) << (8 * b);
    }
    for (uint64_t k = 0; k < 8 && g * 8 + k < take; ++k) {
      const uint64_t level = (bits >> (k * width)) & mask;
      check(level);
      out.push_back(static_cast<uint16_t>(level));
    }
  }
  pos_ += static_cast<size_t>(groups * width);
}

uint64_t ParquetReadNestedLevels::read_uleb128() {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos_ >= size_) fail("levels truncated");
    uint8_t b = data_[pos_++];
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail("a level run header over 5 bytes");
}

void ParquetReadNestedLevels::check(uint64_t level) const {
  if (level > static_cast<uint64_t>(max_)) {
    fail("level " + std::to_string(level) + " above the column's maximum " + std::to_string(max_));
  }
}

void ParquetReadNestedLevels::fail(const std::string& what) const {
  throw ParquetReadError(std::string(what_) + " " + what);
}

}  // namespace sluice::operators::delta
