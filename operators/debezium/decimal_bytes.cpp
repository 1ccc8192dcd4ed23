#include "operators/debezium/decimal_bytes.h"

namespace sluice::operators::debezium {

std::optional<int128> unscaled_from_bytes(std::string_view be) {
  if (be.empty()) return int128(0);
  const bool neg = static_cast<unsigned char>(be[0]) & 0x80;
  // Drop redundant sign bytes so up to 16 significant bytes remain.
  while (be.size() > 16) {
    unsigned char b = static_cast<unsigned char>(be[0]);
    if (b != (neg ? 0xff : 0x00)) return std::nullopt;
    be.remove_prefix(1);
  }
  if (be.size() == 16 && ((static_cast<unsigned char>(be[0]) & 0x80) != 0) != neg) {
    return std::nullopt;
  }
  unsigned __int128 u = neg ? ~static_cast<unsigned __int128>(0) : 0;
  for (char c : be) u = (u << 8) | static_cast<unsigned char>(c);
  int128 v = static_cast<int128>(u);
  // 38 digits at most.
  int128 limit = 1;
  for (int i = 0; i < 38; ++i) limit *= 10;
  if (v >= limit || v <= -limit) return std::nullopt;
  return v;
}

std::string unscaled_to_bytes(int128 v) { return Decimal(v, 0).to_be_bytes(); }

}  // namespace sluice::operators::debezium
