#include "reconcile/table_reconciler.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "base/json.h"
#include "operators/postgres/sql_text.h"
#include "reconcile/errc.h"

namespace sluice::reconcile {
namespace {

namespace my = operators::mysql;

bool is_integer_type(const std::string& t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" ||
         t == "bigint";
}

bool is_binary_type(const std::string& t) {
  return t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
         t == "longblob" || t == "bit";
}

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

struct Side {
  std::map<std::string, uint64_t> rows;  // canonical key (joined) -> row hash
  std::map<std::string, std::vector<std::string>> keys;
  uint64_t sum = 0;
};

constexpr char kSep = '\x1f';

std::string type_of(const my::ColumnSchema& c) { return c.is_json ? "json" : c.data_type; }

void add_row(Side& side, const std::vector<std::string>& canon, size_t nkey) {
  std::string key, all;
  std::vector<std::string> parts;
  for (size_t i = 0; i < canon.size(); ++i) {
    if (i < nkey) {
      key += canon[i];
      key += kSep;
      parts.push_back(canon[i]);
    }
    all += canon[i];
    all += kSep;
  }
  const uint64_t h = fnv1a(all);
  side.sum += h;
  side.rows[key] = h;
  side.keys[key] = std::move(parts);
}

}  // namespace

std::string TableReconciler::canonical(const std::string& t, const std::string& text,
                                       bool from_pg) {
  if (is_binary_type(t)) {
    if (from_pg) {
      std::string s = text.rfind("\\x", 0) == 0 ? text.substr(2) : text;
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }
    return hex(text);
  }
  if (is_integer_type(t) || t == "year") {
    if (from_pg && (text == "t" || text == "true")) return "1";
    if (from_pg && (text == "f" || text == "false")) return "0";
    return text;
  }
  if (t == "float" || t == "double" || t == "real") {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", std::strtod(text.c_str(), nullptr));
    return buf;
  }
  if (t == "datetime" || t == "timestamp" || t == "time") {
    std::string s = text;
    if (from_pg) {
      for (const char* suffix : {"+00:00", "+00"}) {
        const std::string sx = suffix;
        if (s.size() > sx.size() && s.compare(s.size() - sx.size(), sx.size(), sx) == 0) {
          s.resize(s.size() - sx.size());
          break;
        }
      }
    }
    for (char& c : s) {
      if (c == 'T') c = ' ';
    }
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
  }
  if (t == "json") {
    auto v = json::parse(text);
    return v.ok() ? json::encode(*v) : text;
  }
  return text;
}

result<TableDiff> TableReconciler::compare(const std::string& db, const std::string& table,
                                           const my::TableSchema& schema,
                                           const std::string& pg_schema,
                                           const std::string& pg_table) {
  TableDiff diff;
  diff.source = db + "." + table;
  diff.target = pg_schema + "." + pg_table;
  if (schema.primary_key.empty())
    return error::permanent(errc::discovery, diff.source + " has no primary key");
  // Column order: the key columns first, then the others.
  std::vector<const my::ColumnSchema*> cols;
  for (const auto& k : schema.primary_key) {
    for (const auto& c : schema.columns) {
      if (c.name == k) cols.push_back(&c);
    }
  }
  for (const auto& c : schema.columns) {
    bool key = false;
    for (const auto& k : schema.primary_key) key = key || k == c.name;
    if (!key) cols.push_back(&c);
  }
  const size_t nkey = schema.primary_key.size();
  std::string my_cols, pg_cols;
  for (size_t i = 0; i < cols.size(); ++i) {
    my_cols += (i ? ", " : "") + my::quote_ident(cols[i]->name);
    pg_cols += (i ? ", " : "") + operators::postgres::quote_ident(cols[i]->name);
  }
  std::string my_order, pg_order;
  for (size_t i = 0; i < nkey; ++i) {
    my_order += (i ? ", " : "") + my::quote_ident(cols[i]->name);
    pg_order += (i ? ", " : "") + operators::postgres::quote_ident(cols[i]->name);
  }
  const std::string my_from = my::quote_ident(db) + "." + my::quote_ident(table);
  const std::string pg_from = operators::postgres::quote_ident(pg_schema) + "." +
                              operators::postgres::quote_ident(pg_table);
  // Keyset chunks need a single integer key (the same order on both sides); else one chunk.
  const bool chunked = nkey == 1 && is_integer_type(cols[0]->data_type);
  const std::string key_my = chunked ? my::quote_ident(cols[0]->name) : "";
  const std::string key_pg = chunked ? operators::postgres::quote_ident(cols[0]->name) : "";

  auto status = my_.exec("SET time_zone = '+00:00'");
  if (!status.ok()) return status.err();
  std::string lo;  // exclusive lower bound ("" = none)
  try {
    pqxx::nontransaction pgtx(pg_);
    pgtx.exec("SET TIME ZONE 'UTC'");
    pgtx.exec("SET bytea_output = 'hex'");
    while (true) {
      std::string sql = "SELECT " + my_cols + " FROM " + my_from;
      if (chunked && !lo.empty()) sql += " WHERE " + key_my + " > " + lo;
      sql += " ORDER BY " + my_order;
      if (chunked) sql += " LIMIT " + std::to_string(chunk_rows_);
      auto rows = my_.query(sql);
      if (!rows.ok()) return rows.err();
      Side src, dst;
      std::vector<std::string> canon(cols.size());
      for (const auto& r : *rows) {
        for (size_t i = 0; i < cols.size(); ++i) {
          canon[i] = r[i] ? canonical(type_of(*cols[i]), *r[i], false) : std::string("\x01NULL");
        }
        add_row(src, canon, nkey);
      }
      const bool last = !chunked || rows->size() < static_cast<size_t>(chunk_rows_);
      std::string hi = (!last && !rows->empty()) ? *rows->back()[0] : "";
      std::string pg_sql = "SELECT " + pg_cols + " FROM " + pg_from;
      std::string where;
      if (chunked && !lo.empty()) where += key_pg + " > " + lo;
      if (chunked && !hi.empty()) where += (where.empty() ? "" : " AND ") + key_pg + " <= " + hi;
      if (!where.empty()) pg_sql += " WHERE " + where;
      pqxx::result pr = pgtx.exec(pg_sql);
      for (const auto& row : pr) {
        for (size_t i = 0; i < cols.size(); ++i) {
          canon[i] = row[static_cast<int>(i)].is_null()
                         ? std::string("\x01NULL")
                         : canonical(type_of(*cols[i]), row[static_cast<int>(i)].c_str(), true);
        }
        add_row(dst, canon, nkey);
      }
      ++diff.chunks;
      diff.source_rows += src.rows.size();
      diff.target_rows += dst.rows.size();
      if (src.rows.size() != dst.rows.size() || src.sum != dst.sum) {
        ++diff.differing_chunks;
        for (const auto& [k, h] : src.rows) {
          auto it = dst.rows.find(k);
          if (it == dst.rows.end()) {
            diff.missing.push_back(src.keys[k]);
          } else if (it->second != h) {
            diff.different.push_back(src.keys[k]);
          }
        }
        for (const auto& [k, h] : dst.rows) {
          if (!src.rows.count(k)) diff.extra.push_back(dst.keys[k]);
        }
      }
      if (last) break;
      lo = hi;
    }
  } catch (const std::exception& e) {
    return error::permanent(errc::compare, "PostgreSQL " + diff.target + ": " + e.what());
  }
  return diff;
}

}  // namespace sluice::reconcile
