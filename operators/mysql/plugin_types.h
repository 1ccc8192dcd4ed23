// MariaDB's data types of its type plugins, UUID (10.7), INET6 (10.5) and INET4 (10.10): the
// binlog holds their fixed binary form (16, 16 and 4 bytes), SELECT (and so the snapshot) their
// text. A row streamed must give the same string as the snapshot: these format the bytes as
// MariaDB does (checked against SELECT for many values in tests/unit/mysql/types_test.cpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sluice::operators::mysql {

// 16 bytes as 8-4-4-4-12 lower-case hex digits, in their order (a UUID column; MySQL's GTID
// server uuid too).
std::string uuid_text(std::string_view bytes);
// Whether `data_type` (information_schema.COLUMNS.DATA_TYPE) is one of these types.
bool is_plugin_type(std::string_view data_type);
// The text of `bytes` in that type; nullopt when the bytes are not of its size.
std::optional<std::string> plugin_type_text(std::string_view data_type, std::string_view bytes);

}  // namespace sluice::operators::mysql
