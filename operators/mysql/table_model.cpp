#include "operators/mysql/table_model.h"

#include <iterator>

namespace sluice::operators::mysql {

bool InfoColumn::operator==(const InfoColumn& o) const {
  return name == o.name && data_type == o.data_type && column_type == o.column_type &&
         charset == o.charset && extra == o.extra && has_default == o.has_default &&
         default_text == o.default_text && nullable == o.nullable && is_json == o.is_json;
}

bool TableModel::operator==(const TableModel& o) const {
  return charset == o.charset && columns == o.columns && primary_key == o.primary_key;
}

void SchemaModel::put_database(const std::string& db, std::string charset) {
  databases_[db] = std::move(charset);
}

bool SchemaModel::has_database(const std::string& db) const { return databases_.count(db) != 0; }

std::string SchemaModel::database_charset(const std::string& db) const {
  auto it = databases_.find(db);
  return it == databases_.end() ? "" : it->second;
}

void SchemaModel::drop_database(const std::string& db) {
  databases_.erase(db);
  for (auto it = tables_.begin(); it != tables_.end();) {
    it = it->first.first == db ? tables_.erase(it) : std::next(it);
  }
}

void SchemaModel::put(const std::string& db, const std::string& table, TableModel t) {
  tables_[{db, table}] = std::move(t);
}

const TableModel* SchemaModel::find(const std::string& db, const std::string& table) const {
  auto it = tables_.find({db, table});
  return it == tables_.end() ? nullptr : &it->second;
}

TableModel* SchemaModel::find(const std::string& db, const std::string& table) {
  auto it = tables_.find({db, table});
  return it == tables_.end() ? nullptr : &it->second;
}

void SchemaModel::erase(const std::string& db, const std::string& table) {
  tables_.erase({db, table});
}

std::vector<std::string> SchemaModel::tables_of(const std::string& db) const {
  std::vector<std::string> out;
  for (auto it = tables_.lower_bound({db, ""}); it != tables_.end() && it->first.first == db;
       ++it) {
    out.push_back(it->first.second);
  }
  return out;
}

Value describe_model(const TableModel& t) {
  List keys;
  for (const auto& k : t.primary_key) keys.push_back(Value::string(k));
  List columns;
  int position = 0;
  for (const auto& c : t.columns) columns.push_back(describe_column(c, ++position));
  Object o;
  o.append(intern("defaultCharsetName"), t.charset.empty() ? Value() : Value::string(t.charset));
  o.append(intern("primaryKeyColumnNames"), Value::list(std::move(keys)));
  o.append(intern("columns"), Value::list(std::move(columns)));
  o.append(intern("comment"), Value());
  return Value::object(std::move(o));
}

}  // namespace sluice::operators::mysql
