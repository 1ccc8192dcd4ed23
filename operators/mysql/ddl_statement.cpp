#include "operators/mysql/ddl_statement.h"

#include <cctype>

namespace sluice::operators::mysql {

namespace {

// Tokens: identifiers/keywords (upper-cased copy kept separately), `quoted`, punctuation.
struct Tok {
  std::string text;   // as written (unquoted for `x`)
  std::string upper;  // for keywords
  bool quoted = false;
};

std::vector<Tok> tokenize(const std::string& s) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#' || (c == '-' && i + 1 < s.size() && s[i + 1] == '-')) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      i = e == std::string::npos ? s.size() : e + 2;
    } else if (c == '`') {
      Tok t;
      t.quoted = true;
      ++i;
      while (i < s.size()) {
        if (s[i] == '`' && i + 1 < s.size() && s[i + 1] == '`') {
          t.text.push_back('`');
          i += 2;
        } else if (s[i] == '`') {
          ++i;
          break;
        } else {
          t.text.push_back(s[i++]);
        }
      }
      out.push_back(std::move(t));
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
               static_cast<unsigned char>(c) >= 0x80) {
      Tok t;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                              s[i] == '$' || static_cast<unsigned char>(s[i]) >= 0x80)) {
        t.text.push_back(s[i++]);
      }
      for (char ch : t.text)
        t.upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
      out.push_back(std::move(t));
    } else {
      Tok t;
      t.text = std::string(1, c);
      t.upper = t.text;
      out.push_back(std::move(t));
      ++i;
    }
    if (out.size() > 64) break;  // enough to find the table names
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
    case DdlStatement::Kind::Begin:
      return "BEGIN";
    case DdlStatement::Kind::Commit:
      return "COMMIT";
    case DdlStatement::Kind::Rollback:
      return "ROLLBACK";
    case DdlStatement::Kind::None:
      break;
  }
  return "other";
}

DdlStatement parse_ddl(const std::string& sql, const std::string& default_db) {
  DdlStatement d;
  Parser p{tokenize(sql), 0, default_db};
  std::pair<std::string, std::string> n;
  if (p.kw("BEGIN")) {
    d.kind = DdlStatement::Kind::Begin;
  } else if (p.kw("COMMIT") || p.kw("XA")) {
    d.kind = DdlStatement::Kind::Commit;
  } else if (p.kw("ROLLBACK")) {
    d.kind = DdlStatement::Kind::Rollback;
  } else if (p.kw("ALTER")) {
    p.kw("ONLINE");
    p.kw("IGNORE");
    if (p.kw("TABLE")) {
      p.kw("IF") && p.kw("EXISTS");
      if (p.name(n)) {
        d.kind = DdlStatement::Kind::Alter;
        d.tables.push_back(n);
        // ALTER TABLE a RENAME [TO|AS] b
        for (size_t j = p.i; j + 1 < p.t.size(); ++j) {
          if (!p.t[j].quoted && p.t[j].upper == "RENAME") {
            p.i = j + 1;
            if (p.kw("COLUMN") || p.kw("INDEX") || p.kw("KEY")) break;
            p.kw("TO") || p.kw("AS");
            std::pair<std::string, std::string> m;
            if (p.name(m)) {
              d.kind = DdlStatement::Kind::Rename;
              d.tables.push_back(m);
            }
            break;
          }
        }
      }
    }
  } else if (p.kw("RENAME")) {
    if (p.kw("TABLE") || p.kw("TABLES")) {
      d.kind = DdlStatement::Kind::Rename;
      while (p.name(n)) {
        d.tables.push_back(n);
        if (!p.kw("TO")) break;
        if (!p.name(n)) break;
        d.tables.push_back(n);
        if (!(p.i < p.t.size() && p.t[p.i].text == ",")) break;
        ++p.i;
      }
    }
  } else if (p.kw("TRUNCATE")) {
    p.kw("TABLE");
    if (p.name(n)) {
      d.kind = DdlStatement::Kind::Truncate;
      d.tables.push_back(n);
    }
  } else if (p.kw("CREATE")) {
    if (p.kw("OR")) p.kw("REPLACE");
    p.kw("TEMPORARY");
    if (p.kw("TABLE")) {
      p.kw("IF") && p.kw("NOT") && p.kw("EXISTS");
      if (p.name(n)) {
        d.kind = DdlStatement::Kind::Create;
        d.tables.push_back(n);
      }
    }
  } else if (p.kw("DROP")) {
    p.kw("TEMPORARY");
    if (p.kw("TABLE")) {
      p.kw("IF") && p.kw("EXISTS");
      d.kind = DdlStatement::Kind::Drop;
      while (p.name(n)) {
        d.tables.push_back(n);
        if (!(p.i < p.t.size() && p.t[p.i].text == ",")) break;
        ++p.i;
      }
    }
  }
  return d;
}

}  // namespace sluice::operators::mysql
