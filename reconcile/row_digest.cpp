#include "reconcile/row_digest.h"

namespace sluice::reconcile {
namespace {

constexpr char kSep = '\x1f';

constexpr uint64_t kFnvBasis = 1469598103934665603ull;

uint64_t fnv1a(std::string_view s, uint64_t h = kFnvBasis) {
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
  d.cells.reserve(cells.size());
  uint64_t h = kFnvBasis;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i < key_cells) {
      d.key += cells[i];
      d.key += kSep;
      d.key_text.push_back(cells[i]);
    }
    // The row's hash goes over its cells' hashes: each cell is read once.
    const uint64_t cell = fnv1a(cells[i]);
    d.cells.push_back(cell);
    h = fnv1a(std::string_view(reinterpret_cast<const char*>(&cell), sizeof cell), h);
  }
  d.hash = h;
  return d;
}

}  // namespace sluice::reconcile
