// Column names, types, signedness, charsets, ENUM/SET labels, JSON columns and the primary key
// of a table from information_schema, for servers logging binlog_row_metadata=MINIMAL/NO_LOG
// (and for MariaDB JSON columns, which the binlog shows as LONGTEXT). Cached per table;
// invalidated when a DDL touches the table.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/table_map.h"

namespace sluice::operators::mysql {

struct ColumnSchema {
  std::string name;
  std::string data_type;    // "int", "varchar", ...
  std::string column_type;  // "int(10) unsigned", "enum('a','b')"
  uint32_t collation = 0;   // 63 for binary strings, 0 when not a string
  bool is_unsigned = false;
  bool is_json = false;
  bool nullable = true;  // IS_NULLABLE
  std::vector<std::string> labels;
};

struct TableSchema {
  std::vector<ColumnSchema> columns;
  std::vector<std::string> primary_key;
};

// Parses "enum('a','b''c')" / "set(...)" labels.
std::vector<std::string> parse_labels(const std::string& column_type);
// The column of a CHECK clause "json_valid(`col`)" (MariaDB's JSON columns), "" for others.
std::string json_check_column(const std::string& clause);
// MariaDB's JSON columns of a table: LONGTEXT with CHECK (json_valid(`col`)).
result<std::vector<std::string>> json_check_columns(Connection& conn, const std::string& db,
                                                    const std::string& table);

class SchemaLoader {
 public:
  explicit SchemaLoader(Connection* conn) : conn_(conn) {}
  result<const TableSchema*> get(const std::string& db, const std::string& table);
  void invalidate(const std::string& db, const std::string& table);
  void clear() { cache_.clear(); }
  // Fills what the TABLE_MAP lacks (names, signedness, charsets, labels, pk) and JSON flags.
  result<void> apply(TableMap& tm, bool need_everything);

 private:
  result<TableSchema> load(const std::string& db, const std::string& table);
  // The character set of a collation id, from the server's own tables (read once).
  result<std::string> charset_of(uint32_t collation);
  result<void> charset_text(Column& c, bool binlog_labels);
  result<std::shared_ptr<const CharsetTable>> table_of(const std::string& charset);
  result<void> merge(TableMap& tm, bool need_everything);
  Connection* conn_;
  std::map<std::string, TableSchema> cache_;
  std::map<uint32_t, std::string> charsets_;  // collation id -> character set name
  std::map<std::string, std::shared_ptr<const CharsetTable>> tables_;  // by character set
};

}  // namespace sluice::operators::mysql
