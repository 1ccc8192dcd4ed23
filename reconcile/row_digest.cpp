#include "reconcile/row_digest.h"

namespace sluice::reconcile {
namespace {

constexpr char kSep = '\x1f';

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string hex_cell(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

RowDigest digest_row(const std::vector<std::string>& cells, size_t key_cells) {
  RowDigest d;
  std::string all;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i < key_cells) {
      d.key += cells[i];
      d.key += kSep;
      d.key_text.push_back(cells[i]);
    }
    all += cells[i];
    all += kSep;
  }
  d.hash = fnv1a(all);
  return d;
}

}  // namespace sluice::reconcile
