#include "operators/mysql/schema_loader.h"

#include <algorithm>

#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

std::vector<std::string> parse_labels(const std::string& ct) {
  std::vector<std::string> out;
  size_t i = ct.find('(');
  if (i == std::string::npos) return out;
  ++i;
  while (i < ct.size()) {
    if (ct[i] != '\'') break;
    ++i;
    std::string s;
    while (i < ct.size()) {
      if (ct[i] == '\'' && i + 1 < ct.size() && ct[i + 1] == '\'') {
        s.push_back('\'');
        i += 2;
      } else if (ct[i] == '\\' && i + 1 < ct.size()) {
        s.push_back(ct[i + 1]);
        i += 2;
      } else if (ct[i] == '\'') {
        ++i;
        break;
      } else {
        s.push_back(ct[i++]);
      }
    }
    out.push_back(std::move(s));
    if (i < ct.size() && ct[i] == ',') ++i;
  }
  return out;
}

result<TableSchema> SchemaLoader::load(const std::string& db, const std::string& table) {
  TableSchema s;
  std::string where =
      "TABLE_SCHEMA = " + conn_->quote(db) + " AND TABLE_NAME = " + conn_->quote(table);
  auto cols = conn_->query(
      "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, IFNULL(co.ID, 0), c.IS_NULLABLE FROM "
      "information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co ON "
      "co.COLLATION_NAME = c.COLLATION_NAME WHERE c." +
      where + " ORDER BY c.ORDINAL_POSITION");
  if (!cols.ok()) return cols.err();
  for (auto& r : *cols) {
    ColumnSchema c;
    c.name = r[0].value_or("");
    c.data_type = r[1].value_or("");
    c.column_type = r[2].value_or("");
    c.collation = static_cast<uint32_t>(std::stoul(r[3].value_or("0")));
    c.nullable = r[4].value_or("YES") != "NO";
    const std::string& t = c.data_type;
    if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
        t == "longblob") {
      c.collation = kBinaryCollation;
    }
    c.is_unsigned = c.column_type.find("unsigned") != std::string::npos;
    c.is_json = t == "json";
    if (t == "enum" || t == "set") c.labels = parse_labels(c.column_type);
    s.columns.push_back(std::move(c));
  }
  auto pk = conn_->query("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE " +
                         where + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION");
  if (!pk.ok()) return pk.err();
  for (auto& r : *pk) s.primary_key.push_back(r[0].value_or(""));
  auto json = json_check_columns(*conn_, db, table);
  if (json.ok()) {
    for (auto& c : s.columns) {
      c.is_json = c.is_json || std::find(json->begin(), json->end(), c.name) != json->end();
    }
  }
  return s;
}

result<std::vector<std::string>> json_check_columns(Connection& conn, const std::string& db,
                                                    const std::string& table) {
  auto checks = conn.query(
      "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " +
      conn.quote(db) + " AND TABLE_NAME = " + conn.quote(table));
  if (!checks.ok()) return checks.err();
  std::vector<std::string> out;
  for (auto& r : *checks) {
    std::string column = json_check_column(r[0].value_or(""));
    if (!column.empty()) out.push_back(std::move(column));
  }
  return out;
}

std::string json_check_column(const std::string& clause) {
  if (clause.rfind("json_valid(`", 0) != 0) return "";
  return clause.substr(12, clause.find('`', 12) - 12);
}

result<const TableSchema*> SchemaLoader::get(const std::string& db, const std::string& table) {
  std::string k = db + "." + table;
  auto it = cache_.find(k);
  if (it != cache_.end()) return &it->second;
  auto s = load(db, table);
  if (!s.ok()) return s.err();
  return &(cache_[k] = std::move(s).value());
}

void SchemaLoader::invalidate(const std::string& db, const std::string& table) {
  cache_.erase(db + "." + table);
}

result<void> SchemaLoader::apply(TableMap& tm, bool need_everything) {
  auto sr = get(tm.db, tm.table);
  if (!sr.ok()) return sr.err();
  const TableSchema& s = **sr;
  bool same_shape = s.columns.size() == tm.columns.size();
  if (!same_shape) {
    if (need_everything) {
      return error::fatal(errc::schema,
                          "table " + tm.full_name() + " has " + std::to_string(s.columns.size()) +
                              " columns in information_schema but " +
                              std::to_string(tm.columns.size()) +
                              " in the binlog (the schema changed since); run the server with "
                              "binlog_row_metadata=FULL to decode older events");
    }
    return {};
  }
  for (size_t i = 0; i < tm.columns.size(); ++i) {
    Column& c = tm.columns[i];
    const ColumnSchema& cs = s.columns[i];
    if (!tm.has_names) c.name = cs.name;
    if (!tm.has_signedness) c.is_unsigned = cs.is_unsigned;
    if (!tm.has_charsets && cs.collation != 0) c.collation = cs.collation;
    if (!tm.has_labels && !cs.labels.empty()) c.labels = cs.labels;
    if (cs.is_json && (c.type == kBlob || c.type == kJson)) c.is_json = true;
  }
  if (!tm.has_primary_key) {
    tm.primary_key.clear();
    for (const auto& name : s.primary_key) {
      for (size_t i = 0; i < tm.columns.size(); ++i) {
        if (tm.columns[i].name == name) tm.primary_key.push_back(i);
      }
    }
  }
  return {};
}

}  // namespace sluice::operators::mysql
