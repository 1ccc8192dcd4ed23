// Character set names as MariaDB 10.11 shows them in information_schema: utf8 is utf8mb3
// (old_mode UTF8_IS_UTF8MB3), a collation names its charset before its first '_', and the
// most bytes a character takes (TEXT(n) and CONVERT TO CHARACTER SET pick types by it).
#pragma once
#include <string>

namespace sluice::operators::mysql {

// "UTF8" -> "utf8mb3", "Latin1" -> "latin1".
std::string normalize_charset(const std::string& name);
// "utf8mb4_bin" -> "utf8mb4", "utf8_general_ci" -> "utf8mb3", "binary" -> "binary".
std::string charset_of_collation(const std::string& collation);
// Bytes per character at most (1 for unknown charsets).
int charset_max_bytes(const std::string& charset);

}  // namespace sluice::operators::mysql
