// parse_column_type (column_definition.h): the type words of a column definition.
#include <map>

#include "operators/mysql/column_definition.h"

namespace sluice::operators::mysql {
namespace {

// One-word types and synonyms -> the base type MariaDB stores.
const std::map<std::string, std::string>& column_type_words() {
  static const std::map<std::string, std::string> kWords = {
      {"tinyint", "tinyint"},
      {"int1", "tinyint"},
      {"bool", "tinyint"},
      {"boolean", "tinyint"},
      {"smallint", "smallint"},
      {"int2", "smallint"},
      {"mediumint", "mediumint"},
      {"int3", "mediumint"},
      {"middleint", "mediumint"},
      {"int", "int"},
      {"integer", "int"},
      {"int4", "int"},
      {"bigint", "bigint"},
      {"int8", "bigint"},
      {"serial", "bigint"},
      {"decimal", "decimal"},
      {"dec", "decimal"},
      {"numeric", "decimal"},
      {"fixed", "decimal"},
      {"float", "float"},
      {"float4", "float"},
      {"double", "double"},
      {"float8", "double"},
      {"real", "double"},
      {"bit", "bit"},
      {"char", "char"},
      {"character", "char"},
      {"nchar", "char"},
      {"varchar", "varchar"},
      {"varcharacter", "varchar"},
      {"nvarchar", "varchar"},
      {"binary", "binary"},
      {"varbinary", "varbinary"},
      {"tinytext", "tinytext"},
      {"text", "text"},
      {"mediumtext", "mediumtext"},
      {"longtext", "longtext"},
      {"tinyblob", "tinyblob"},
      {"blob", "blob"},
      {"mediumblob", "mediumblob"},
      {"longblob", "longblob"},
      {"long", "mediumtext"},
      {"json", "longtext"},
      {"date", "date"},
      {"time", "time"},
      {"datetime", "datetime"},
      {"timestamp", "timestamp"},
      {"year", "year"},
      {"enum", "enum"},
      {"set", "set"},
      {"geometry", "geometry"},
      {"point", "point"},
      {"linestring", "linestring"},
      {"polygon", "polygon"},
      {"multipoint", "multipoint"},
      {"multilinestring", "multilinestring"},
      {"multipolygon", "multipolygon"},
      {"geometrycollection", "geometrycollection"},
      {"geomcollection", "geometrycollection"},
      {"uuid", "uuid"},
      {"inet6", "inet6"},
      {"inet4", "inet4"}};
  return kWords;
}

// The words after the first that some types take: CHARACTER VARYING, DOUBLE PRECISION,
// LONG VARCHAR, NATIONAL CHAR, NCHAR VARCHAR.
void column_type_more_words(DdlCursor& c, const std::string& first, ColumnTypeSpec& t) {
  if (first == "national" || first == "nchar" || first == "nvarchar") t.charset = "utf8mb3";
  if (first == "double") c.accept("PRECISION");
  if (first == "long") {
    if (c.accept("VARBINARY")) t.data_type = "mediumblob";
    if (!c.accept("VARCHAR")) c.accept("VARCHARACTER");
  }
  if (first == "char" || first == "character" || first == "nchar") {
    if (c.accept("VARYING") || c.accept("VARCHAR") || c.accept("VARCHARACTER")) {
      t.data_type = "varchar";
    }
  }
}

// NATIONAL CHAR [VARYING] / NATIONAL VARCHAR: the word after NATIONAL.
result<std::string> column_type_first_word(DdlCursor& c) {
  auto w = c.name();
  if (!w) return c.unexpected("a column type");
  std::string first = ddl_lower(*w);
  if (first == "national") {
    auto n = c.name();
    if (!n) return c.unexpected("CHAR or VARCHAR");
    first = ddl_lower(*n);
    if (first == "char" || first == "character") return std::string("nchar");
    if (first == "varchar" || first == "varcharacter") return std::string("nvarchar");
    return c.unexpected("CHAR or VARCHAR");
  }
  return first;
}

// (n) / (p, s) / ('a', 'b'): numbers into args, strings into labels.
result<void> column_type_args(DdlCursor& c, ColumnTypeSpec& t) {
  if (!c.accept_punct('(')) return {};
  while (!c.accept_punct(')')) {
    const Token& tok = c.peek();
    if (tok.kind == TokenKind::Number) {
      t.args.push_back(c.next().text);
    } else if (tok.kind == TokenKind::String) {
      t.labels.push_back(c.next().text);
    } else {
      return c.unexpected("a type argument");
    }
    if (!c.accept_punct(',') && !c.is_punct(')')) return c.unexpected("',' or ')'");
  }
  return {};
}

}  // namespace

result<ColumnTypeSpec> parse_column_type(DdlCursor& c) {
  auto first = column_type_first_word(c);
  if (!first.ok()) return first.err();
  auto it = column_type_words().find(*first);
  if (it == column_type_words().end()) return error::permanent("unknown column type " + *first);
  ColumnTypeSpec t;
  t.data_type = it->second;
  t.serial = *first == "serial";
  t.is_json = *first == "json";
  if (*first == "bool" || *first == "boolean") t.args = {"1"};
  column_type_more_words(c, *first, t);
  auto args = column_type_args(c, t);
  if (!args.ok()) return args.err();
  if ((t.data_type == "text" || t.data_type == "blob") && !t.args.empty()) t.sized_blob = true;
  if (*first == "float" && t.args.size() == 1 && std::atoi(t.args[0].c_str()) > 24) {
    t.data_type = "double";
  }
  if (*first == "float" && t.args.size() == 1) t.args.clear();
  if (t.serial) t.is_unsigned = true;
  while (c.is_any({"UNSIGNED", "SIGNED", "ZEROFILL"})) {
    if (c.is("ZEROFILL")) t.zerofill = t.is_unsigned = true;
    if (c.is("UNSIGNED")) t.is_unsigned = true;
    c.next();
  }
  if (t.data_type == "char" && c.accept("BYTE")) t.data_type = "binary";
  if (t.data_type == "varchar" && c.accept("BYTE")) t.data_type = "varbinary";
  return t;
}

}  // namespace sluice::operators::mysql
