#include "operators/mysql/geometry_value.h"

#include <cstdint>

namespace sluice::operators::mysql {
namespace {

uint32_t read_u32(std::string_view s, size_t at, bool little) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const auto b = static_cast<uint8_t>(s[at + static_cast<size_t>(little ? i : 3 - i)]);
    v |= static_cast<uint32_t>(b) << (8 * i);
  }
  return v;
}

void append_u32(uint32_t v, bool little, std::string& out) {
  for (int i = 0; i < 4; ++i) {
    const int shift = 8 * (little ? i : 3 - i);
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

}  // namespace

std::string geometry_bytes(std::string_view stored) {
  if (stored.size() < 4) return std::string(stored);
  const uint32_t srid = read_u32(stored, 0, true);
  std::string_view wkb = stored.substr(4);
  if (srid == 0 || wkb.size() < 5) return std::string(wkb);
  const bool little = wkb[0] == 1;
  constexpr uint32_t kHasSrid = 0x20000000;
  std::string out;
  out.reserve(wkb.size() + 4);
  out.push_back(wkb[0]);
  append_u32(read_u32(wkb, 1, little) | kHasSrid, little, out);
  append_u32(srid, little, out);
  out.append(wkb.substr(5));
  return out;
}

}  // namespace sluice::operators::mysql
