// The source's model of the tables of its captured databases, kept as Debezium's MySQL connector
// keeps its in-memory schema: read from information_schema once (at the snapshot, or the first
// start), then changed by parsing each DDL statement met in the binlog (ddl_apply.h), so that a
// schema-change event read hours late describes the table as it was at its own statement, not
// as it is now. Stored in the checkpoint state (encode/decode) so a restart resumes with the
// model of its position.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/mysql/table_description.h"

namespace sluice::operators::mysql {

struct TableModel {
  std::string charset;  // the table's default character set ("" unknown)
  std::vector<InfoColumn> columns;
  std::vector<std::string> primary_key;  // column names, in key order
  bool operator==(const TableModel& o) const;
};

class SchemaModel {
 public:
  // Databases are tracked with their default character set.
  void put_database(const std::string& db, std::string charset);
  bool has_database(const std::string& db) const;
  std::string database_charset(const std::string& db) const;  // "" unknown
  // Every database tracked, with its charset.
  const std::map<std::string, std::string>& databases() const { return databases_; }
  void drop_database(const std::string& db);  // and its tables
  // The server's character_set_server, the charset of a CREATE DATABASE naming none.
  // "latin1" until told (MariaDB's compiled-in default; Debian's packaged my.cnf and the
  // test server say utf8mb4): load_database_model reads @@character_set_server.
  void set_server_charset(std::string charset) { server_charset_ = std::move(charset); }
  const std::string& server_charset() const { return server_charset_; }

  void put(const std::string& db, const std::string& table, TableModel t);
  const TableModel* find(const std::string& db, const std::string& table) const;
  TableModel* find(const std::string& db, const std::string& table);
  void erase(const std::string& db, const std::string& table);
  // The tables of `db`, in name order.
  std::vector<std::string> tables_of(const std::string& db) const;
  bool empty() const { return databases_.empty() && tables_.empty(); }

  // One text, for the checkpoint state (no newline inside), and back; decode never throws.
  std::string encode() const;
  static result<SchemaModel> decode(const std::string& text);

 private:
  std::map<std::string, std::string> databases_;  // db -> charset
  std::map<std::pair<std::string, std::string>, TableModel> tables_;
  std::string server_charset_ = "latin1";
};

// Debezium's table struct of a model (what describe_table() gives from information_schema).
Value describe_model(const TableModel& t);

// From information_schema: one table (nullopt when it does not exist), or a whole database
// (every base table; the database's charset put too).
result<std::optional<TableModel>> load_table_model(Connection& conn, const std::string& db,
                                                   const std::string& table);
result<void> load_database_model(Connection& conn, const std::string& db, SchemaModel& into);

}  // namespace sluice::operators::mysql
