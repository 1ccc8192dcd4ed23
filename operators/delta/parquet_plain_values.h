// The PLAIN-encoded values of one open data page, as both column writers (flat and nested)
// gather them: booleans bit-packed (the first value in the lowest bit), numbers little-endian,
// byte arrays with their length, fixed-width decimals big-endian (parquet_plain.h).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "operators/delta/parquet_plain.h"

namespace sluice::operators::delta {

class ParquetPlainValues {
 public:
  void add_bool(bool b) {
    if (bools_ % 8 == 0) bytes_.push_back('\0');
    if (b) bytes_.back() = static_cast<char>(bytes_.back() | (1 << (bools_ % 8)));
    ++bools_;
  }
  void add_i32(int32_t v) { parquet::put_le32(v, bytes_); }
  void add_i64(int64_t v) { parquet::put_le64(v, bytes_); }
  void add_double(double v) { parquet::put_double(v, bytes_); }
  void add_bytes(std::string_view b) {
    parquet::put_le32(static_cast<int32_t>(b.size()), bytes_);
    bytes_.append(b);
  }
  // The low `width` bytes of v's two's complement (FIXED_LEN_BYTE_ARRAY decimals).
  void add_fixed(__int128 v, int width) { parquet::put_be(v, width, bytes_); }

  size_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }
  void clear() {
    bytes_.clear();
    bools_ = 0;
  }

 private:
  std::string bytes_;
  int64_t bools_ = 0;  // booleans packed so far
};

}  // namespace sluice::operators::delta
