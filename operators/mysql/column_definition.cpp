#include "operators/mysql/column_definition.h"

#include <map>
#include <utility>

#include "operators/mysql/charset_names.h"

namespace sluice::operators::mysql {
namespace {

using ColumnAttr = result<bool>;  // true: an attribute was read

bool coldef_is_text(const std::string& t) {
  return t == "tinytext" || t == "text" || t == "mediumtext" || t == "longtext";
}

// The smallest TEXT / BLOB class holding `bytes`.
std::string coldef_blob_class(uint64_t bytes, bool text) {
  const char* name = bytes <= 255        ? "tiny"
                     : bytes <= 65535    ? ""
                     : bytes <= 16777215 ? "medium"
                                         : "long";
  return std::string(name) + (text ? "text" : "blob");
}

uint64_t coldef_class_bytes(const std::string& t) {
  if (t.rfind("tiny", 0) == 0) return 255;
  if (t.rfind("medium", 0) == 0) return 16777215;
  if (t.rfind("long", 0) == 0) return 4294967295ULL;
  return 65535;
}

// CHARACTER SET x, CHARSET x, COLLATE x, BINARY, ASCII, UNICODE.
ColumnAttr coldef_charset_attr(DdlCursor& c, ColumnDefinition& d) {
  if (c.accept_all({"CHARACTER", "SET"}) || c.accept("CHARSET")) {
    auto v = c.word_value();
    if (!v) return c.unexpected("a character set");
    d.charset = normalize_charset(*v);
  } else if (c.accept("COLLATE")) {
    auto v = c.word_value();
    if (!v) return c.unexpected("a collation");
    d.collation = *v;
  } else if (c.accept("ASCII")) {
    d.charset = "latin1";
  } else if (c.accept("UNICODE")) {
    d.charset = "ucs2";
  } else if (!c.accept("BINARY")) {
    return false;
  }
  return true;
}

// [GENERATED ALWAYS] AS (expr) [VIRTUAL | PERSISTENT | STORED].
ColumnAttr coldef_generated_attr(DdlCursor& c, ColumnDefinition& d) {
  if (c.accept_all({"GENERATED", "ALWAYS"})) {
    if (!c.is("AS")) return c.unexpected("AS");
  }
  if (!c.accept("AS")) return false;
  if (!c.is_punct('(')) return c.unexpected("'('");
  c.skip_parens();
  d.generated = true;
  if (c.accept("PERSISTENT") || c.accept("STORED")) {
    d.stored = true;
  } else {
    c.accept("VIRTUAL");
  }
  return true;
}

// REFERENCES t [(cols)] [MATCH x] [ON DELETE|UPDATE action].
void coldef_skip_references(DdlCursor& c) {
  c.name();
  if (c.accept_punct('.')) c.name();
  c.skip_parens();
  if (c.accept("MATCH")) c.next();
  while (c.accept("ON")) {
    c.next();  // DELETE / UPDATE
    if (c.accept("SET") || c.accept("NO")) {
      c.next();  // NULL / DEFAULT / ACTION
    } else {
      c.next();  // RESTRICT / CASCADE
    }
  }
}

// The attributes that only need skipping (keys, comments, checks, storage options).
ColumnAttr coldef_other_attr(DdlCursor& c, ColumnDefinition& d) {
  if (c.accept_all({"PRIMARY", "KEY"}) || c.accept("KEY")) {
    d.primary_key = true;
  } else if (c.accept("UNIQUE")) {
    if (!c.accept("KEY")) c.accept("INDEX");
  } else if (c.accept("COMMENT") || c.accept("COLUMN_FORMAT") || c.accept("STORAGE") ||
             c.accept("REF_SYSTEM_ID") || c.accept("COMPRESSED")) {
    if (c.accept_punct('=') || c.peek().kind != TokenKind::Punct) c.word_value();
  } else if (c.accept("REFERENCES")) {
    coldef_skip_references(c);
  } else if (c.is("CHECK") || c.is("CONSTRAINT")) {
    if (c.accept("CONSTRAINT") && !c.is("CHECK")) c.name();
    if (!c.accept("CHECK")) return c.unexpected("CHECK");
    auto json = json_check_column(c);
    d.json_check = d.json_check || (json && ddl_iequals(*json, d.name));
    c.skip_parens();
  } else if (c.accept("INVISIBLE")) {
    d.invisible = true;
  } else if (c.accept_all({"SERIAL", "DEFAULT", "VALUE"})) {
    d.not_null = d.auto_increment = true;
  } else {
    return c.accept_all({"WITH", "SYSTEM", "VERSIONING"}) ||
           c.accept_all({"WITHOUT", "SYSTEM", "VERSIONING"});
  }
  return true;
}

ColumnAttr coldef_attr(DdlCursor& c, ColumnDefinition& d) {
  if (c.accept_all({"NOT", "NULL"})) {
    d.not_null = true;
  } else if (c.accept("NULL")) {
    d.not_null = false;
  } else if (c.accept("DEFAULT")) {
    auto v = parse_default_value(c);
    if (!v.ok()) return v.err();
    d.default_value = *v;
  } else if (c.accept_all({"ON", "UPDATE"})) {
    auto v = parse_default_value(c);
    if (!v.ok()) return v.err();
    d.on_update = "on update current_timestamp(" + v->text + ")";
  } else if (c.accept("AUTO_INCREMENT")) {
    d.auto_increment = true;
  } else {
    ColumnAttr r = coldef_charset_attr(c, d);
    if (r.ok() && !*r) r = coldef_generated_attr(c, d);
    if (r.ok() && !*r) r = coldef_other_attr(c, d);
    return r;
  }
  return true;
}

// column_type as information_schema shows it for the final base type.
std::string coldef_column_type(const ColumnTypeSpec& t, const std::string& data_type) {
  static const std::map<std::string, std::pair<int, int>> kWidths = {{"tinyint", {4, 3}},
                                                                     {"smallint", {6, 5}},
                                                                     {"mediumint", {9, 8}},
                                                                     {"int", {11, 10}},
                                                                     {"bigint", {20, 20}}};
  std::string out = data_type;
  auto w = kWidths.find(data_type);
  if (w != kWidths.end()) {
    const int width = t.is_unsigned ? w->second.second : w->second.first;
    out += "(" + (t.args.empty() ? std::to_string(width) : t.args[0]) + ")";
  } else if (data_type == "decimal") {
    out += "(" + (t.args.empty() ? "10" : t.args[0]) + "," + (t.args.size() > 1 ? t.args[1] : "0") +
           ")";
  } else if (data_type == "float" || data_type == "double") {
    if (t.args.size() > 1) out += "(" + t.args[0] + "," + t.args[1] + ")";
  } else if (data_type == "bit" || data_type == "char" || data_type == "binary") {
    out += "(" + (t.args.empty() ? "1" : t.args[0]) + ")";
  } else if (data_type == "varchar" || data_type == "varbinary") {
    out += "(" + (t.args.empty() ? "0" : t.args[0]) + ")";
  } else if (data_type == "time" || data_type == "datetime" || data_type == "timestamp") {
    if (!t.args.empty() && t.args[0] != "0") out += "(" + t.args[0] + ")";
  } else if (data_type == "year") {
    out += "(4)";
  } else if (data_type == "enum" || data_type == "set") {
    std::string labels;
    for (const auto& l : t.labels) labels += (labels.empty() ? "" : ",") + quote_default_string(l);
    out += "(" + labels + ")";
  }
  if (t.is_unsigned && (w != kWidths.end() || data_type == "decimal" || data_type == "float" ||
                        data_type == "double")) {
    out += " unsigned";
  }
  if (t.zerofill) out += " zerofill";
  return out;
}

// The base type and charset once the table's charset is known (CHARACTER SET binary makes
// binary strings; TEXT(n) picks its class by bytes).
void coldef_resolve_type(const ColumnDefinition& d, const std::string& table_charset,
                         InfoColumn& c) {
  c.data_type = d.type.data_type;
  const bool character = info_has_charset(c) || d.type.is_json;
  std::string cs = !d.type.charset.empty() ? d.type.charset
                   : !d.charset.empty()    ? d.charset
                   : !d.collation.empty()  ? charset_of_collation(d.collation)
                                           : table_charset;
  if (!character) cs = "";
  if (cs == "binary" && !d.type.is_json) {
    if (c.data_type == "char") c.data_type = "binary";
    if (c.data_type == "varchar") c.data_type = "varbinary";
    if (coldef_is_text(c.data_type)) c.data_type.replace(c.data_type.size() - 4, 4, "blob");
    cs = "";
  }
  if (d.type.sized_blob) {
    const uint64_t n = std::strtoull(d.type.args[0].c_str(), nullptr, 10);
    const bool text = coldef_is_text(c.data_type);
    c.data_type =
        coldef_blob_class(n * static_cast<uint64_t>(text ? charset_max_bytes(cs) : 1), text);
  }
  c.charset = cs;
}

}  // namespace

result<ColumnDefinition> parse_column_definition(DdlCursor& c) {
  ColumnDefinition d;
  auto name = c.expect_name("a column name");
  if (!name.ok()) return name.err();
  d.name = *name;
  auto type = parse_column_type(c);
  if (!type.ok()) return type.err();
  d.type = std::move(type).value();
  if (d.type.serial) d.not_null = d.auto_increment = true;
  while (!c.at_end() && !c.is_punct(',') && !c.is_punct(')') && !c.is("FIRST") && !c.is("AFTER")) {
    ColumnAttr r = coldef_attr(c, d);
    if (!r.ok()) return r.err();
    if (!*r) return c.unexpected("a column attribute");
  }
  return d;
}

InfoColumn finish_column(const ColumnDefinition& d, const std::string& table_charset) {
  InfoColumn c;
  c.name = d.name;
  coldef_resolve_type(d, table_charset, c);
  c.column_type = coldef_column_type(d.type, c.data_type);
  c.is_json = d.type.is_json || d.json_check;
  c.nullable = !d.not_null && !d.primary_key && !d.auto_increment;
  if (d.auto_increment) c.extra = "auto_increment";
  if (!d.on_update.empty()) c.extra = d.on_update;
  if (d.generated) c.extra = d.stored ? "STORED GENERATED" : "VIRTUAL GENERATED";
  if (d.invisible) c.extra += c.extra.empty() ? "INVISIBLE" : " INVISIBLE";
  if (d.default_value && !d.generated) {
    c.has_default = true;
    c.default_text = format_default(c, *d.default_value);
  } else if (c.nullable && !d.auto_increment) {
    c.has_default = true;
    c.default_text = "NULL";
  }
  return c;
}

bool info_has_charset(const InfoColumn& c) {
  const std::string& t = c.data_type;
  return t == "char" || t == "varchar" || coldef_is_text(t) || t == "enum" || t == "set";
}

void convert_column_charset(InfoColumn& c, const std::string& charset) {
  if (!info_has_charset(c)) return;
  if (coldef_is_text(c.data_type)) {
    const uint64_t chars =
        coldef_class_bytes(c.data_type) / static_cast<uint64_t>(charset_max_bytes(c.charset));
    const std::string grown =
        coldef_blob_class(chars * static_cast<uint64_t>(charset_max_bytes(charset)), true);
    if (coldef_class_bytes(grown) > coldef_class_bytes(c.data_type)) {
      c.data_type = grown;
      c.column_type = grown;
    }
  }
  c.charset = charset;
}

std::optional<std::string> json_check_column(const DdlCursor& c) {
  if (c.is_punct('(') && c.is("json_valid", 1) && c.is_punct('(', 2) &&
      c.peek(3).kind != TokenKind::Punct && c.is_punct(')', 4) && c.is_punct(')', 5)) {
    return c.peek(3).text;
  }
  return std::nullopt;
}

void make_key_column(InfoColumn& c) {
  c.nullable = false;
  if (c.has_default && c.default_text == "NULL") {
    c.has_default = false;
    c.default_text.clear();
  }
}

}  // namespace sluice::operators::mysql
