// Text of the Unicode encodings (ucs2, utf16, utf16le, utf32) and of gb18030 as UTF-8, by glibc's
// iconv. Row values in the binlog are the column's own bytes, while the snapshot's connection has
// the server convert them to utf8mb4: both must give the same string. The other character sets
// are converted by tables read from the server (charset_table.h); latin1 by its own table
// (column_decoder.cpp); utf8mb3, utf8mb4 and ascii are kept as they are.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sluice::operators::mysql {

// Whether text of `charset` (a MySQL character set name; "" = unknown) is kept as it is:
// utf8mb3, utf8mb4, ascii, and unknown charsets (treated as UTF-8, as before charsets were
// known).
bool charset_is_utf8(std::string_view charset);

// iconv's name for a MySQL character set iconv converts ("utf16" -> "UTF-16BE"), else nullopt.
std::optional<const char*> iconv_charset(std::string_view charset);

// `raw` in `charset` as UTF-8; an error names the character set and the offset of the first
// byte that is not a character of it.
result<std::string> charset_to_utf8(const std::string& charset, std::string_view raw);

}  // namespace sluice::operators::mysql
