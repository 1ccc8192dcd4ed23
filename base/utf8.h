// UTF-8 encoding of one code point: what the decoders of escaped text (JSON \u, the language's
// string escapes, XML entities, the checkpoint file) and of single-byte charsets (latin1) append.
#pragma once
#include <cstdint>
#include <string>

namespace sluice {

// Appends the UTF-8 bytes of code point cp (up to U+10FFFF) to out.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace sluice
