// Interned field names: a row stores 4-byte symbols, never repeated name strings.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

using Sym = uint32_t;

// Thread-safe; the same text always yields the same symbol for the life of the process.
Sym intern(std::string_view name);
// The text of a symbol (stable reference).
const std::string& sym_name(Sym s);

}  // namespace sluice
