// Column names, types, signedness, charsets, ENUM/SET labels, JSON columns and the primary key
// of a table from information_schema, for servers logging binlog_row_metadata=MINIMAL/NO_LOG
// (and for MariaDB JSON columns, which the binlog shows as LONGTEXT). Cached per table;
// invalidated when a DDL touches the table.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
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
  // Without the row end of a system-versioned table. A table without a PRIMARY KEY: the
  // UNIQUE NOT NULL index the server takes as its key (server_key).
  std::vector<std::string> primary_key;
  // MariaDB's system-versioned tables (TABLE_TYPE 'SYSTEM VERSIONED'): the column whose value
  // ends a row's life ("" for other tables). A row whose row end is not its type's largest
  // value is history, not a row of the table now. Implicit row_start / row_end columns (not in
  // information_schema, last in the binlog's rows) are appended with `hidden` set.
  std::string row_end;
  std::vector<bool> hidden;  // one per column
  size_t visible() const;    // columns that are not hidden (they come first)
};

// The two columns of "PERIOD FOR SYSTEM_TIME (`start`, `end`)" in a SHOW CREATE TABLE text,
// {"", ""} when the table's period columns are implicit (or it is not versioned).
std::pair<std::string, std::string> system_time_period(const std::string& create_table);
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
  // A table without a PRIMARY KEY: the UNIQUE index of NOT NULL columns the server takes as
  // its key (InnoDB clusters the table by it; information_schema shows its columns as PRI),
  // its columns in index order; none when there is no such index. `where`: the table's.
  result<std::vector<std::string>> server_key(const std::string& where);
  result<void> load_versioning(const std::string& db, const std::string& table, TableSchema& s);
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
