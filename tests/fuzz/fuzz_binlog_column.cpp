// One column's values in a row image (column_decoder.cpp decode_column: integers, DECIMAL,
// temporal types, strings and charsets, ENUM/SET, BIT, JSON binary and MariaDB JSON text,
// GEOMETRY). Input: the column's TABLE_MAP type byte and two metadata bytes, a byte of options,
// then value bytes. The column is made by parse_table_map from a one-column TABLE_MAP built of
// those bytes (so it is a column the stream can meet), with the options adding what the optional
// metadata or information_schema give: signedness, a collation, ENUM/SET labels, a JSON flag.
// Values are decoded one after another until the bytes end or one fails, and each is encoded as
// JSON as a sink would write it. An error result is fine; a crash, sanitizer report or exception
// is not.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/table_map.h"

namespace my = sluice::operators::mysql;

namespace {

void add_optional(std::vector<uint8_t>& b, uint8_t type, const std::vector<uint8_t>& value) {
  b.push_back(type);
  b.push_back(static_cast<uint8_t>(value.size()));  // < 251: a one-byte length
  b.insert(b.end(), value.begin(), value.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const uint8_t type = data[0], m0 = data[1], m1 = data[2], opts = data[3];
  std::vector<uint8_t> tm = {1, 0, 0, 0, 0, 0, 0, 0, 1, 'd', 0, 1, 't', 0, 1, type, 2, m0, m1, 1};
  if (opts & 1) add_optional(tm, 1, {0x80});                           // SIGNEDNESS: unsigned
  if (opts & 2) add_optional(tm, 6, {3, 1, 'a', 2, 'b', 'b', 0});      // ENUM_STR_VALUE
  if (opts & 4) add_optional(tm, 5, {3, 1, 'x', 1, 'y', 1, 'z'});      // SET_STR_VALUE
  static const uint8_t kCollations[4] = {0, 63, 8, 45};                // -, binary, latin1, utf8mb4
  if (opts & 24) add_optional(tm, 3, {kCollations[(opts >> 3) & 3]});  // COLUMN_CHARSET
  auto parsed = my::parse_table_map(tm.data(), tm.size());
  if (!parsed.ok() || parsed->columns.size() != 1) return 0;
  my::Column c = parsed->columns[0];
  std::string type_text = my::source_type_text(c);  // what SourceMeta::column_types carries
  // SchemaLoader::apply: information_schema says JSON (MariaDB's JSON is a LONGTEXT).
  if ((opts & 32) && (c.type == my::kBlob || c.type == my::kJson)) c.is_json = true;
  my::ByteReader r(data + 4, size - 4);
  my::DecodeStats stats;
  std::string out;
  while (r.remaining() > 0) {
    const size_t before = r.remaining();
    auto v = my::decode_column(c, r, stats);
    if (!v.ok()) break;
    sluice::json::encode(*v, out);
    out.clear();
    if (r.remaining() == before) break;  // a value of no bytes (NULL type, BIT(0), ...)
  }
  return 0;
}
