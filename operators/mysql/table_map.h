// One TABLE_MAP event: a table id bound to db.table and its column types and metadata, plus
// what the optional metadata (binlog_row_metadata=FULL) says: names, signedness, charsets,
// ENUM/SET labels, primary key.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "base/symbol.h"
#include "operators/mysql/column_type.h"

namespace sluice::operators::mysql {

struct TableMap {
  uint64_t table_id = 0;
  std::string db;
  std::string table;
  std::vector<Column> columns;
  std::vector<size_t> primary_key;  // column indexes
  bool has_names = false;           // COLUMN_NAME optional metadata was present
  bool has_signedness = false;
  bool has_charsets = false;
  bool has_labels = false;
  bool has_primary_key = false;  // SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX present
  // The row end column of a system-versioned table (-1 for others): rows whose row end is
  // not its type's largest value are history (RowDecoder drops them; an update that ends a
  // row is its delete).
  int row_end = -1;
  // Filled by finish(): interned names ("col_N" when unknown) and the shared SourceMeta.
  std::vector<Sym> syms;
  std::shared_ptr<const SourceMeta> meta;

  // Interns names and builds the SourceMeta (connector "mysql").
  void finish(const std::string& source_name);
  std::string full_name() const { return db + "." + table; }
};

// Parses a TABLE_MAP event body (the bytes after the 19-byte header, checksum removed).
result<TableMap> parse_table_map(const uint8_t* body, size_t len);

}  // namespace sluice::operators::mysql
