#include "operators/mysql/plugin_types.h"

#include <charconv>
#include <cstdint>

#include "base/hex_text.h"

namespace sluice::operators::mysql {
namespace {

uint8_t byte_at(std::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }

std::string dotted(std::string_view b, size_t from) {
  std::string s;
  for (size_t i = from; i < from + 4; ++i) {
    s += (i > from ? "." : "") + std::to_string(byte_at(b, i));
  }
  return s;
}

// MySQL's INET6_NTOA, which MariaDB's INET6 prints with: the first longest run of zero groups
// (one group is enough) as "::", groups in hex without leading zeros; when that run is the first
// six groups, or the first five and the sixth is ffff, the last 32 bits in dotted form
// (::1.2.3.4, ::ffff:1.2.3.4; ::2 stays ::2).
std::string inet6_text(std::string_view b) {
  uint16_t g[8];
  for (size_t i = 0; i < 8; ++i) {
    g[i] = static_cast<uint16_t>(byte_at(b, 2 * i) << 8 | byte_at(b, 2 * i + 1));
  }
  int gap = -1, gap_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > gap_len) {
      gap = i;
      gap_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  if (gap == 0 && (gap_len == 6 || (gap_len == 5 && g[5] == 0xffff))) {
    return std::string(gap_len == 5 ? "::ffff:" : "::") + dotted(b, 12);
  }
  std::string s;
  for (int i = 0; i < 8; ++i) {
    if (i == gap) {
      s += "::";
      i += gap_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    char hex[4];
    const auto end = std::to_chars(hex, hex + sizeof(hex), g[i], 16).ptr;  // lower case
    s.append(hex, end);
  }
  return s;
}

}  // namespace

std::string uuid_text(std::string_view b) {
  std::string s = hex_text(b.substr(0, 16));
  for (size_t at : {20, 16, 12, 8}) s.insert(at, 1, '-');
  return s;
}

bool is_plugin_type(std::string_view data_type) {
  return data_type == "uuid" || data_type == "inet6" || data_type == "inet4";
}

std::optional<std::string> plugin_type_text(std::string_view data_type, std::string_view bytes) {
  if (data_type == "uuid" && bytes.size() == 16) return uuid_text(bytes);
  if (data_type == "inet6" && bytes.size() == 16) return inet6_text(bytes);
  if (data_type == "inet4" && bytes.size() == 4) return dotted(bytes, 0);
  return std::nullopt;
}

}  // namespace sluice::operators::mysql
