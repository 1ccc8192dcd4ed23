// Bytes as hexadecimal text and back: checkpoint state (key values of a snapshot's cursor) and
// SQL hex literals and HEX() results.
#pragma once
#include <string>
#include <string_view>

namespace sluice {

// Two digits a byte: lower-case ("0a1f"), or upper-case as SQL's HEX() writes them.
std::string hex_text(std::string_view bytes, bool upper = false);
// The bytes of hexadecimal text, digits of either case; a last odd digit is ignored.
std::string hex_bytes(std::string_view text);

}  // namespace sluice
