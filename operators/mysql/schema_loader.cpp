#include "operators/mysql/schema_loader.h"

#include <algorithm>
#include <map>

#include "base/logger.h"
#include "operators/mysql/charset_converter.h"
#include "operators/mysql/charset_table.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/ddl_cursor.h"
#include "operators/mysql/ddl_lexer.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/plugin_types.h"

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

result<std::vector<std::string>> SchemaLoader::server_key(const std::string& where) {
  auto pri = conn_->query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE " + where +
                          " AND COLUMN_KEY = 'PRI'");
  if (!pri.ok()) return pri.err();
  std::vector<std::string> want;
  for (auto& r : *pri) want.push_back(r[0].value_or(""));
  if (want.empty()) return want;
  std::sort(want.begin(), want.end());
  auto idx =
      conn_->query("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE " +
                   where + " AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX");
  if (!idx.ok()) return idx.err();
  std::map<std::string, std::vector<std::string>> indexes;
  for (auto& r : *idx) indexes[r[0].value_or("")].push_back(r[1].value_or(""));
  for (const auto& [name, cols] : indexes) {
    std::vector<std::string> sorted = cols;
    std::sort(sorted.begin(), sorted.end());
    if (sorted == want) return cols;
  }
  return std::vector<std::string>();
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
  if (s.primary_key.empty()) {
    auto unique = server_key(where);
    if (!unique.ok()) return unique.err();
    s.primary_key = std::move(unique).value();
  }
  s.hidden.assign(s.columns.size(), false);
  auto versioned = load_versioning(db, table, s);
  if (!versioned.ok()) return versioned.err();
  auto json = json_check_columns(*conn_, db, table);
  if (json.ok()) {
    for (auto& c : s.columns) {
      c.is_json = c.is_json || std::find(json->begin(), json->end(), c.name) != json->end();
    }
  }
  return s;
}

size_t TableSchema::visible() const {
  return static_cast<size_t>(std::count(hidden.begin(), hidden.end(), false));
}

std::pair<std::string, std::string> system_time_period(const std::string& create_table) {
  const auto t = lex_sql(create_table);
  auto is = [&](size_t i, std::string_view word) {
    return i < t.size() && (t[i].kind == TokenKind::Word || t[i].kind == TokenKind::Punct) &&
           ddl_iequals(t[i].text, word);
  };
  auto name = [&](size_t i) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Word);
  };
  for (size_t i = 0; i + 7 < t.size(); ++i) {
    if (is(i, "PERIOD") && is(i + 1, "FOR") && is(i + 2, "SYSTEM_TIME") && is(i + 3, "(") &&
        name(i + 4) && is(i + 5, ",") && name(i + 6) && is(i + 7, ")")) {
      return {t[i + 4].text, t[i + 6].text};
    }
  }
  return {};
}

// A system-versioned table: its row end column, the implicit period columns appended (the
// binlog has them, information_schema does not), and the row end out of the primary key (the
// server adds it to every unique key; a row's key is the rest).
result<void> SchemaLoader::load_versioning(const std::string& db, const std::string& table,
                                           TableSchema& s) {
  auto type = conn_->scalar(
      "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + conn_->quote(db) +
      " AND TABLE_NAME = " + conn_->quote(table));
  if (!type.ok()) return type.err();
  if (type->value_or("") != "SYSTEM VERSIONED") return {};
  auto create = conn_->query("SHOW CREATE TABLE " + quote_ident(db) + "." + quote_ident(table));
  if (!create.ok()) return create.err();
  const std::string text = create->empty() ? "" : (*create)[0].at(1).value_or("");
  auto period = system_time_period(text);
  s.row_end = period.second;
  if (s.row_end.empty()) {
    for (const char* name : {"row_start", "row_end"}) {
      ColumnSchema c;
      c.name = name;
      c.data_type = "timestamp";
      c.column_type = "timestamp(6)";
      c.nullable = false;
      s.columns.push_back(std::move(c));
      s.hidden.push_back(true);
    }
    s.row_end = "row_end";
  }
  std::erase(s.primary_key, s.row_end);
  for (const auto& c : s.columns) {
    if (c.name != s.row_end || c.data_type != "bigint") continue;
    log::warn("mysql", "table " + db + "." + table +
                           " is versioned by transaction id: MariaDB writes its changes to the "
                           "binlog as statements, not rows, so only its snapshot is captured "
                           "(each change is a dead letter, mysql.statement_change); version it "
                           "by timestamp to stream it");
  }
  return {};
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

result<std::string> SchemaLoader::charset_of(uint32_t collation) {
  if (charsets_.empty()) {
    auto r = conn_->query("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS");
    if (!r.ok()) return r.err();
    for (auto& row : *r) {
      if (!row[0] || !row[1]) continue;
      charsets_[static_cast<uint32_t>(std::stoul(*row[0]))] = *row[1];
    }
    // MariaDB 10.10+: collations that several character sets share have their ids here.
    auto shared = conn_->query(
        "SELECT ID, CHARACTER_SET_NAME FROM "
        "information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL");
    if (shared.ok()) {
      for (auto& row : *shared) {
        if (row[0] && row[1]) charsets_[static_cast<uint32_t>(std::stoul(*row[0]))] = *row[1];
      }
    }
  }
  auto it = charsets_.find(collation);
  return it == charsets_.end() ? std::string() : it->second;
}

// A column's character set from its collation id, with the server's table for it where the
// character set is neither UTF-8, latin1 nor one iconv converts; ENUM/SET labels the binlog sent
// are in that character set (information_schema's are UTF-8 already).
result<void> SchemaLoader::charset_text(Column& c, bool binlog_labels) {
  if (c.collation == 0 || c.collation == kBinaryCollation) return {};
  auto name = charset_of(c.collation);
  if (!name.ok()) return name.err();
  c.charset = std::move(name).value();
  if (!charset_is_utf8(c.charset) && !is_latin1_collation(c.collation) &&
      !iconv_charset(c.charset)) {
    auto t = table_of(c.charset);
    if (!t.ok()) return t.err();
    c.text_table = *t;
  }
  if (!binlog_labels) return {};
  for (auto& label : c.labels) {
    auto s = column_text(c, label);
    if (!s.ok()) return s.err();
    label = std::move(s).value();
  }
  return {};
}

result<std::shared_ptr<const CharsetTable>> SchemaLoader::table_of(const std::string& charset) {
  auto it = tables_.find(charset);
  if (it != tables_.end()) return it->second;
  auto t = CharsetTable::load(*conn_, charset);
  if (!t.ok()) return t.err();
  log::info("mysql", "character set " + charset + ": " + std::to_string((*t)->size()) +
                         " characters read from the server");
  return tables_[charset] = std::move(t).value();
}

result<void> SchemaLoader::apply(TableMap& tm, bool need_everything) {
  auto m = merge(tm, need_everything);
  if (!m.ok()) return m;
  for (auto& c : tm.columns) {
    auto r = charset_text(c, tm.has_labels);
    if (!r.ok()) return r;
  }
  return {};
}

result<void> SchemaLoader::merge(TableMap& tm, bool need_everything) {
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
    if (is_plugin_type(cs.data_type)) c.plugin_type = cs.data_type;
    if (cs.is_json && (c.type == kBlob || c.type == kJson)) c.is_json = true;
    c.hidden = s.hidden[i];
    if (!s.row_end.empty() && c.name == s.row_end) tm.row_end = static_cast<int>(i);
  }
  if (tm.row_end >= 0) {  // the binlog's key of a versioned table ends with its row end
    std::erase(tm.primary_key, static_cast<size_t>(tm.row_end));
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
