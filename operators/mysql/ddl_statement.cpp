#include "operators/mysql/ddl_statement.h"

#include <cctype>

#include "operators/mysql/ddl_lexer.h"

namespace sluice::operators::mysql {

namespace {

// Tokens of the statement (ddl_lexer.h): identifiers and keywords (an upper-cased copy for
// the keywords), `quoted` names and strings, punctuation.
struct Tok {
  std::string text;   // as written (unquoted for `x`)
  std::string upper;  // for keywords
  bool quoted = false;
};

// The first tokens of `s`: enough to find the table names.
std::vector<Tok> tokenize(const std::string& s) {
  std::vector<Tok> out;
  for (auto& t : lex_sql(s)) {
    if (t.kind == TokenKind::End || out.size() > 64) break;
    Tok k;
    k.quoted = t.kind == TokenKind::Ident || t.kind == TokenKind::String;
    k.text = std::move(t.text);
    if (!k.quoted) {
      for (char ch : k.text) {
        k.upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
      }
    }
    out.push_back(std::move(k));
  }
  return out;
}

struct Parser {
  std::vector<Tok> t;
  size_t i = 0;
  std::string db;
  bool kw(const char* k) {
    if (i < t.size() && !t[i].quoted && t[i].upper == k) {
      ++i;
      return true;
    }
    return false;
  }
  bool peek_kw(const char* k) const { return i < t.size() && !t[i].quoted && t[i].upper == k; }
  // DATABASE or SCHEMA.
  bool database_kw() { return kw("DATABASE") || kw("SCHEMA"); }
  // ALTER DATABASE's name is optional (the default database).
  std::string database_name() {
    if (i >= t.size()) return db;
    for (const char* k : {"DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "COMMENT", "UPGRADE"}) {
      if (peek_kw(k)) return db;
    }
    return t[i++].text;
  }
  // Skips to the table after ON (CREATE INDEX ... ON t, DROP INDEX ... ON t).
  bool on_table(std::pair<std::string, std::string>& out) {
    while (i < t.size() && !(!t[i].quoted && t[i].upper == "ON")) ++i;
    return kw("ON") && name(out);
  }
  bool name(std::pair<std::string, std::string>& out) {
    if (i >= t.size()) return false;
    std::string a = t[i++].text;
    if (i + 1 < t.size() && t[i].text == "." && !t[i].quoted) {
      ++i;
      out = {a, t[i++].text};
    } else {
      out = {db, a};
    }
    return true;
  }
};

}  // namespace

const char* ddl_kind_name(DdlStatement::Kind k) {
  switch (k) {
    case DdlStatement::Kind::Alter:
      return "ALTER TABLE";
    case DdlStatement::Kind::Rename:
      return "RENAME TABLE";
    case DdlStatement::Kind::Truncate:
      return "TRUNCATE";
    case DdlStatement::Kind::Create:
      return "CREATE TABLE";
    case DdlStatement::Kind::Drop:
      return "DROP TABLE";
    case DdlStatement::Kind::CreateIndex:
      return "CREATE INDEX";
    case DdlStatement::Kind::DropIndex:
      return "DROP INDEX";
    case DdlStatement::Kind::CreateDatabase:
      return "CREATE DATABASE";
    case DdlStatement::Kind::AlterDatabase:
      return "ALTER DATABASE";
    case DdlStatement::Kind::DropDatabase:
      return "DROP DATABASE";
    case DdlStatement::Kind::Begin:
      return "BEGIN";
    case DdlStatement::Kind::Commit:
      return "COMMIT";
    case DdlStatement::Kind::Rollback:
      return "ROLLBACK";
    case DdlStatement::Kind::Dml:
      return "a row change";
    case DdlStatement::Kind::Xa:
      return "XA";
    case DdlStatement::Kind::None:
      break;
  }
  return "other";
}

namespace {

using DdlStmtKind = DdlStatement::Kind;
using DdlStmtTable = std::pair<std::string, std::string>;

// ALTER TABLE t's partition maintenance that adds or removes rows without row events
// (DdlStatement::unlogged); p after the table's name. Partition operations stand alone in their
// ALTER TABLE (ALGORITHM / LOCK aside).
void parse_partition_rows(Parser& p, DdlStatement& d) {
  const auto& t = d.tables.front();
  for (; p.i < p.t.size(); ++p.i) {
    if (p.kw("TRUNCATE") || p.kw("DROP")) {
      if (p.peek_kw("PARTITION")) d.unlogged.push_back({t.first, t.second, false});
      return;
    }
    DdlStmtTable other;
    if (p.kw("EXCHANGE")) {  // EXCHANGE PARTITION p WITH TABLE t2
      if (!p.kw("PARTITION")) return;
      while (p.i < p.t.size() && !p.kw("WITH")) ++p.i;
      if (!p.kw("TABLE") || !p.name(other)) return;
      d.unlogged.push_back({t.first, t.second, false});
      d.unlogged.push_back({other.first, other.second, false});
      return;
    }
    if (p.kw("CONVERT")) {
      if (p.kw("PARTITION")) {  // CONVERT PARTITION p TO TABLE t2
        while (p.i < p.t.size() && !p.kw("TO")) ++p.i;
        if (!p.kw("TABLE") || !p.name(other)) return;
        d.unlogged.push_back({t.first, t.second, false});
        d.unlogged.push_back({other.first, other.second, true});
      } else if (p.kw("TABLE")) {  // CONVERT TABLE t2 TO PARTITION p
        if (p.name(other) && p.kw("TO") && p.kw("PARTITION")) {
          d.unlogged.push_back({t.first, t.second, false});
        }
      }
      return;
    }
  }
}

// After ALTER.
void parse_alter(Parser& p, DdlStatement& d) {
  DdlStmtTable n;
  if (p.database_kw()) {
    d.kind = DdlStmtKind::AlterDatabase;
    d.tables.emplace_back(p.database_name(), "");
    return;
  }
  p.kw("ONLINE");
  p.kw("IGNORE");
  if (!p.kw("TABLE")) return;
  p.kw("IF") && p.kw("EXISTS");
  if (!p.name(n)) return;
  d.kind = DdlStmtKind::Alter;
  d.tables.push_back(n);
  const size_t after_name = p.i;
  parse_partition_rows(p, d);
  p.i = after_name;
  // ALTER TABLE a RENAME [TO|AS] b
  for (size_t j = p.i; j + 1 < p.t.size(); ++j) {
    if (p.t[j].quoted || p.t[j].upper != "RENAME") continue;
    p.i = j + 1;
    if (p.kw("COLUMN") || p.kw("INDEX") || p.kw("KEY")) return;
    p.kw("TO") || p.kw("AS");
    if (p.name(n)) {
      d.kind = DdlStmtKind::Rename;
      d.tables.push_back(n);
    }
    return;
  }
}

// After RENAME.
void parse_rename(Parser& p, DdlStatement& d) {
  DdlStmtTable n;
  if (!p.kw("TABLE") && !p.kw("TABLES")) return;
  d.kind = DdlStmtKind::Rename;
  while (p.name(n)) {
    d.tables.push_back(n);
    if (!p.kw("TO") || !p.name(n)) break;
    d.tables.push_back(n);
    if (!(p.i < p.t.size() && p.t[p.i].text == ",")) break;
    ++p.i;
  }
}

// CREATE / DROP DATABASE|SCHEMA [IF [NOT] EXISTS] name; false when not one.
bool parse_database(Parser& p, DdlStatement& d, DdlStmtKind kind) {
  if (!p.database_kw()) return false;
  p.kw("IF") && (kind == DdlStmtKind::DropDatabase || p.kw("NOT")) && p.kw("EXISTS");
  if (p.i < p.t.size()) {
    d.kind = kind;
    d.tables.emplace_back(p.t[p.i].text, "");
  }
  return true;
}

// CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX ... ON t / DROP INDEX ... ON t; false when not one.
bool parse_index(Parser& p, DdlStatement& d, DdlStmtKind kind) {
  p.kw("ONLINE") || p.kw("OFFLINE");
  if (kind == DdlStmtKind::CreateIndex) p.kw("UNIQUE") || p.kw("FULLTEXT") || p.kw("SPATIAL");
  if (!p.kw("INDEX")) return false;
  DdlStmtTable n;
  if (p.on_table(n)) {
    d.kind = kind;
    d.tables.push_back(n);
  }
  return true;
}

// After CREATE.
void parse_create(Parser& p, DdlStatement& d) {
  if (p.kw("OR")) p.kw("REPLACE");
  if (parse_database(p, d, DdlStmtKind::CreateDatabase) ||
      parse_index(p, d, DdlStmtKind::CreateIndex))
    return;
  p.kw("TEMPORARY");
  if (!p.kw("TABLE")) return;
  d.if_not_exists = p.kw("IF") && p.kw("NOT") && p.kw("EXISTS");
  DdlStmtTable n;
  if (p.name(n)) {
    d.kind = DdlStmtKind::Create;
    d.tables.push_back(n);
  }
}

// After DROP.
void parse_drop(Parser& p, DdlStatement& d) {
  if (parse_database(p, d, DdlStmtKind::DropDatabase) || parse_index(p, d, DdlStmtKind::DropIndex))
    return;
  p.kw("TEMPORARY");
  if (!p.kw("TABLE")) return;
  p.kw("IF") && p.kw("EXISTS");
  d.kind = DdlStmtKind::Drop;
  DdlStmtTable n;
  while (p.name(n)) {
    d.tables.push_back(n);
    if (!(p.i < p.t.size() && p.t[p.i].text == ",")) break;
    ++p.i;
  }
}

}  // namespace

// INSERT / REPLACE [INTO] t, UPDATE t, DELETE [FROM] t (modifiers skipped): the first table.
void parse_dml(Parser& p, DdlStatement& d) {
  const bool insert = p.kw("INSERT") || p.kw("REPLACE");
  const bool update = !insert && p.kw("UPDATE");
  const bool del = !insert && !update && p.kw("DELETE");
  if (!insert && !update && !del) return;
  while (p.kw("LOW_PRIORITY") || p.kw("DELAYED") || p.kw("HIGH_PRIORITY") || p.kw("QUICK") ||
         p.kw("IGNORE") || p.kw("HISTORY")) {
  }
  if (insert) p.kw("INTO");
  if (del) p.kw("FROM");
  DdlStmtTable n;
  if (!p.name(n)) return;
  d.kind = DdlStmtKind::Dml;
  d.tables.push_back(n);
}

DdlStatement parse_ddl(const std::string& sql, const std::string& default_db) {
  DdlStatement d;
  Parser p{tokenize(sql), 0, default_db};
  if (p.kw("BEGIN")) {
    d.kind = DdlStmtKind::Begin;
  } else if (p.kw("XA")) {
    d.kind = DdlStmtKind::Xa;
  } else if (p.kw("COMMIT")) {
    d.kind = DdlStmtKind::Commit;
  } else if (p.kw("ROLLBACK")) {
    d.kind = DdlStmtKind::Rollback;
  } else if (p.kw("ALTER")) {
    parse_alter(p, d);
  } else if (p.kw("RENAME")) {
    parse_rename(p, d);
  } else if (p.kw("TRUNCATE")) {
    p.kw("TABLE");
    DdlStmtTable n;
    if (p.name(n)) {
      d.kind = DdlStmtKind::Truncate;
      d.tables.push_back(n);
    }
  } else if (p.kw("CREATE")) {
    parse_create(p, d);
  } else if (p.kw("DROP")) {
    parse_drop(p, d);
  } else {
    parse_dml(p, d);
  }
  return d;
}

bool database_level(DdlStatement::Kind k) {
  return k == DdlStatement::Kind::CreateDatabase || k == DdlStatement::Kind::AlterDatabase ||
         k == DdlStatement::Kind::DropDatabase;
}

}  // namespace sluice::operators::mysql
