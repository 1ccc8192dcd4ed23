// Bounds-checked little/big-endian reading over a byte range (binlog event bodies).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sluice::operators::mysql {

class ByteReader {
 public:
  ByteReader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool has(size_t n) const { return remaining() >= n; }
  bool failed() const { return failed_; }
  const uint8_t* ptr() const { return p_; }
  bool skip(size_t n) {
    if (!has(n)) return fail();
    p_ += n;
    return true;
  }
  // Little-endian unsigned of n bytes (1..8; more fails: widths come from the events).
  uint64_t le(size_t n) {
    if (n > 8 || !has(n)) return fail(), 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += n;
    return v;
  }
  // Big-endian unsigned of n bytes (1..8; more fails).
  uint64_t be(size_t n) {
    if (n > 8 || !has(n)) return fail(), 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p_[i];
    p_ += n;
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  // MySQL length-encoded integer.
  uint64_t lenenc() {
    if (!has(1)) return fail(), 0;
    uint8_t b = *p_++;
    if (b < 251) return b;
    if (b == 0xfc) return le(2);
    if (b == 0xfd) return le(3);
    if (b == 0xfe) return le(8);
    return fail(), 0;
  }
  std::string_view bytes(size_t n) {
    if (!has(n)) return fail(), std::string_view();
    std::string_view s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }
  std::string_view lenenc_bytes() {
    uint64_t n = lenenc();
    if (failed_) return {};
    return bytes(static_cast<size_t>(n));
  }

 private:
  bool fail() {
    failed_ = true;
    p_ = end_;
    return false;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
};

}  // namespace sluice::operators::mysql
