// One row as sluice reconcile compares it: its key and a 64-bit FNV-1a hash of its canonical
// cells (each target turns its own values and the source's into the same canonical text), so
// two sides agree on a row when their texts do.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/value.h"

namespace sluice::reconcile {

// The canonical text of a NULL (no value's text starts with \x01).
inline constexpr std::string_view kNullCell = "\x01NULL";

struct RowDigest {
  std::string key;                    // the key cells, joined: what the two sides match on
  std::vector<std::string> key_text;  // the key as reported (and re-read from MySQL by a repair)
  uint64_t hash = 0;                  // of every cell's hash
  std::vector<uint64_t> cells;        // each cell's own hash: which columns differ
  Value key_value;                    // documents: the _id as the target holds it (else null)
};

// The canonical text of bytes (binary values on both sides): lowercase hex.
std::string hex_cell(std::string_view bytes);

// The digest of a row's canonical cells, key cells first (`key_cells` of them); key_text is
// those cells.
RowDigest digest_row(const std::vector<std::string>& cells, size_t key_cells);

}  // namespace sluice::reconcile
