// Parquet's PLAIN encoding of single values (little-endian integers and doubles, big-endian
// two's complement FIXED_LEN_BYTE_ARRAY decimals), appended to a reused byte buffer. Used for
// the pages' values and for the statistics' min and max.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace sluice::operators::delta::parquet {

static_assert(std::endian::native == std::endian::little, "PLAIN is little-endian");

inline void put_le32(int32_t v, std::string& out) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

inline void put_le64(int64_t v, std::string& out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

inline void put_double(double v, std::string& out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

// The low n bytes (n <= 16) of v's two's complement, most significant first.
inline void put_be(__int128 v, int n, std::string& out) {
  char b[16];
  auto u = static_cast<unsigned __int128>(v);
  for (int i = n - 1; i >= 0; --i) {
    b[i] = static_cast<char>(static_cast<uint8_t>(u & 0xff));
    u >>= 8;
  }
  out.append(b, static_cast<size_t>(n));
}

}  // namespace sluice::operators::delta::parquet
