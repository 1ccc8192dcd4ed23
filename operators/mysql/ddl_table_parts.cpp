// Table names, table options, keys and constraints for apply_ddl (ddl_apply_parts.h).
#include <set>

#include "operators/mysql/charset_names.h"
#include "operators/mysql/column_definition.h"
#include "operators/mysql/ddl_apply_parts.h"

namespace sluice::operators::mysql {
namespace {

// Table options taking one value ([=] value), as CREATE TABLE and ALTER TABLE accept them.
bool table_option_word(const DdlCursor& c) {
  static const std::set<std::string> kWords = {"engine",
                                               "type",
                                               "auto_increment",
                                               "avg_row_length",
                                               "checksum",
                                               "table_checksum",
                                               "comment",
                                               "connection",
                                               "delay_key_write",
                                               "encrypted",
                                               "encryption_key_id",
                                               "encryption",
                                               "ietf_quotes",
                                               "insert_method",
                                               "key_block_size",
                                               "max_rows",
                                               "min_rows",
                                               "pack_keys",
                                               "page_checksum",
                                               "page_compressed",
                                               "password",
                                               "row_format",
                                               "sequence",
                                               "stats_auto_recalc",
                                               "stats_persistent",
                                               "stats_sample_pages",
                                               "transactional",
                                               "union",
                                               "tablespace",
                                               "storage",
                                               "compression",
                                               "page_compression_level",
                                               "algorithm",
                                               "lock"};
  const Token& t = c.peek();
  return t.kind == TokenKind::Word && kWords.count(ddl_lower(t.text)) != 0;
}

// [=] value: a word, string, number or (list).
void table_option_value(DdlCursor& c) {
  c.accept_punct('=');
  if (c.is_punct('(')) {
    c.skip_parens();
  } else {
    c.word_value();
  }
}

// [CONSTRAINT [name]]: true when it is there.
bool skip_constraint_name(DdlCursor& c) {
  if (!c.accept("CONSTRAINT")) return false;
  if (!c.is_any({"PRIMARY", "UNIQUE", "FOREIGN", "CHECK"}) && c.peek().kind != TokenKind::Punct) {
    c.next();
  }
  return true;
}

}  // namespace

void DdlContext::not_understood(const DdlTableName& t) {
  if (!tracked(t)) return;
  out.understood = false;
  out.unknown.emplace_back(t.db, t.table);
}

std::string DdlContext::default_table_charset(const std::string& db) const {
  const std::string cs = model.database_charset(db);
  return cs.empty() ? model.server_charset() : cs;
}

result<DdlTableName> parse_ddl_table_name(DdlCursor& c, const std::string& default_db) {
  auto first = c.expect_name("a table name");
  if (!first.ok()) return first.err();
  if (!c.accept_punct('.')) return DdlTableName{default_db, *first};
  auto second = c.expect_name("a table name");
  if (!second.ok()) return second.err();
  return DdlTableName{*first, *second};
}

std::string DdlCharsetSpec::resolve(const std::string& otherwise) const {
  if (!charset.empty()) return charset;
  if (!collation.empty()) return charset_of_collation(collation);
  return otherwise;
}

result<bool> parse_table_option(DdlCursor& c, DdlCharsetSpec& charset) {
  const size_t start = c.pos();
  c.accept("DEFAULT");
  if (c.accept_all({"CHARACTER", "SET"}) || c.accept("CHARSET")) {
    c.accept_punct('=');
    auto v = c.word_value();
    if (!v) return c.unexpected("a character set");
    charset.charset = ddl_iequals(*v, "DEFAULT") ? "" : normalize_charset(*v);
    return true;
  }
  if (c.accept("COLLATE")) {
    c.accept_punct('=');
    auto v = c.word_value();
    if (!v) return c.unexpected("a collation");
    charset.collation = ddl_iequals(*v, "DEFAULT") ? "" : *v;
    return true;
  }
  if (c.pos() != start) return c.unexpected("CHARACTER SET or COLLATE");
  if (c.is_any({"DATA", "INDEX"}) && c.is("DIRECTORY", 1)) {
    c.next();
    c.next();
    table_option_value(c);
    return true;
  }
  if (!table_option_word(c)) return false;
  c.next();
  table_option_value(c);
  return true;
}

result<std::vector<std::string>> parse_key_columns(DdlCursor& c) {
  std::vector<std::string> out;
  auto open = c.expect_punct('(');
  if (!open.ok()) return open.err();
  while (!c.accept_punct(')')) {
    if (c.is_punct('(')) return c.unexpected("a key column");  // a functional key part
    auto n = c.expect_name("a key column");
    if (!n.ok()) return n.err();
    out.push_back(*n);
    c.skip_parens();  // a prefix length
    if (!c.accept("ASC")) c.accept("DESC");
    if (!c.accept_punct(',') && !c.is_punct(')')) return c.unexpected("',' or ')'");
  }
  return out;
}

bool at_table_constraint(const DdlCursor& c) {
  if (c.is("PERIOD") && c.is("FOR", 1)) return true;
  return c.is_any({"CONSTRAINT", "PRIMARY", "UNIQUE", "INDEX", "KEY", "FULLTEXT", "SPATIAL",
                   "FOREIGN", "CHECK"});
}

result<void> parse_table_constraint(DdlCursor& c, std::vector<std::string>& primary_key,
                                    std::vector<std::string>& json) {
  skip_constraint_name(c);
  if (c.accept_all({"PRIMARY", "KEY"})) {
    while (!c.at_end() && !c.is_punct('(')) c.next();  // USING BTREE, a name
    auto cols = parse_key_columns(c);
    if (!cols.ok()) return cols.err();
    primary_key = std::move(cols).value();
  } else if (c.accept("CHECK")) {
    if (auto col = json_check_column(c)) json.push_back(*col);
  }
  c.skip_to_comma();  // the rest of a key: its name, columns, options
  return {};
}

void settle_table(TableModel& t, const std::vector<std::string>& json) {
  for (auto& k : t.primary_key) {
    const int i = find_model_column(t, k);
    if (i < 0) continue;
    k = t.columns[static_cast<size_t>(i)].name;  // the column's own spelling
    make_key_column(t.columns[static_cast<size_t>(i)]);
  }
  for (const auto& j : json) {
    const int i = find_model_column(t, j);
    if (i >= 0) t.columns[static_cast<size_t>(i)].is_json = true;
  }
}

int find_model_column(const TableModel& t, const std::string& name) {
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (ddl_iequals(t.columns[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sluice::operators::mysql
