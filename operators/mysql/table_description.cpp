#include "operators/mysql/table_description.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "operators/mysql/schema_loader.h"
#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {
namespace {

Value text_value(const std::string& s) { return Value::string(s); }
Value int_value(int64_t v) { return Value::int64(v); }

std::string upper_case(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

bool integer_type(const std::string& t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint";
}

bool charset_type(const InfoColumn& c) {
  const std::string& t = c.data_type;
  return !c.is_json && (t == "char" || t == "varchar" || t == "tinytext" || t == "text" ||
                        t == "mediumtext" || t == "longtext" || t == "enum" || t == "set");
}

// The numbers in COLUMN_TYPE's first parentheses: "decimal(15,2)" -> {15, 2}; none -> {}.
std::vector<int64_t> column_type_arguments(const std::string& column_type) {
  std::vector<int64_t> out;
  const size_t open = column_type.find('(');
  const size_t close = column_type.find(')', open);
  if (open == std::string::npos || close == std::string::npos) return out;
  int64_t n = 0;
  bool digits = false;
  for (size_t i = open + 1; i <= close; ++i) {
    const char ch = column_type[i];
    if (std::isdigit(static_cast<unsigned char>(ch)) != 0) {
      n = n * 10 + (ch - '0');
      digits = true;
    } else if (ch == ',' || ch == ')') {
      if (!digits) return {};  // enum('a'): not numbers
      out.push_back(n);
      n = 0;
      digits = false;
    } else {
      return {};
    }
  }
  return out;
}

// Debezium's length and scale: the declared (n) or (p,s); none for integer display widths
// (MySQL 8 shows none); ENUM 1 and SET 2n-1 as its parser sets them.
void debezium_length_scale(const InfoColumn& c, Value& length, Value& scale) {
  const std::string& t = c.data_type;
  if (t == "enum") {
    length = int_value(1);
    return;
  }
  if (t == "set") {
    length = int_value(2 * static_cast<int64_t>(parse_labels(c.column_type).size()) - 1);
    return;
  }
  if (integer_type(t) || t == "year" || c.is_json) return;  // display widths: not lengths
  const std::vector<int64_t> args = column_type_arguments(c.column_type);
  if (!args.empty()) length = int_value(args[0]);
  if (args.size() > 1) scale = int_value(args[1]);
}

// COLUMN_DEFAULT as Debezium writes defaultValueExpression: a string literal unquoted, a
// number as written, CURRENT_TIMESTAMP as the epoch; NULL and expressions: none.
Value debezium_default(const InfoColumn& c) {
  if (!c.has_default) return {};
  const std::string& d = c.default_text;
  if (d.empty() || d == "NULL") return {};
  if (d.front() == '\'' && d.size() >= 2 && d.back() == '\'') {
    std::string s;
    for (size_t i = 1; i + 1 < d.size(); ++i) {
      s.push_back(d[i]);
      if (d[i] == '\'' && i + 2 < d.size() && d[i + 1] == '\'') ++i;  // '' -> '
    }
    return text_value(s);
  }
  const std::string l = upper_case(d);
  if (l.rfind("CURRENT_TIMESTAMP", 0) == 0 || l.rfind("NOW(", 0) == 0) {
    return text_value("1970-01-01 00:00:00");
  }
  const bool number = std::all_of(d.begin(), d.end(), [](char ch) {
    return std::isdigit(static_cast<unsigned char>(ch)) != 0 || ch == '-' || ch == '+' ||
           ch == '.' || ch == 'e' || ch == 'E';
  });
  return number ? text_value(d) : Value();
}

Value debezium_enum_values(const InfoColumn& c) {
  if (c.data_type != "enum" && c.data_type != "set") return {};
  List out;
  for (const auto& label : parse_labels(c.column_type)) {
    std::string q = "'";
    for (char ch : label) {
      q.push_back(ch);
      if (ch == '\'') q.push_back('\'');
    }
    out.push_back(text_value(q + "'"));
  }
  return Value::list(std::move(out));
}

}  // namespace

std::vector<int> column_type_args(const std::string& column_type) {
  std::vector<int> out;
  const size_t open = column_type.find('(');
  if (open == std::string::npos || column_type.compare(0, 4, "enum") == 0 ||
      column_type.compare(0, 3, "set") == 0) {
    return out;
  }
  size_t i = open + 1;
  while (i < column_type.size() && column_type[i] != ')') {
    out.push_back(std::atoi(column_type.c_str() + i));
    i = column_type.find_first_of(",)", i);
    if (i == std::string::npos) break;
    if (column_type[i] == ',') ++i;
  }
  return out;
}

int jdbc_type(const InfoColumn& c) {
  static const std::map<std::string, int> kTypes = {{"bit", -7},
                                                    {"tinyint", 5},
                                                    {"smallint", 5},
                                                    {"mediumint", 4},
                                                    {"int", 4},
                                                    {"bigint", -5},
                                                    {"float", 6},
                                                    {"double", 8},
                                                    {"decimal", 3},
                                                    {"numeric", 2},
                                                    {"char", 1},
                                                    {"varchar", 12},
                                                    {"tinytext", 12},
                                                    {"text", 12},
                                                    {"mediumtext", 12},
                                                    {"longtext", 12},
                                                    {"binary", -2},
                                                    {"varbinary", -3},
                                                    {"tinyblob", 2004},
                                                    {"blob", 2004},
                                                    {"mediumblob", 2004},
                                                    {"longblob", 2004},
                                                    {"date", 91},
                                                    {"time", 92},
                                                    {"datetime", 93},
                                                    {"timestamp", 2014},
                                                    {"year", 4},
                                                    {"enum", 1},
                                                    {"set", 1},
                                                    {"json", 1111},
                                                    {"geometry", 1111},
                                                    {"point", 1111},
                                                    {"linestring", 1111},
                                                    {"polygon", 1111},
                                                    {"multipoint", 1111},
                                                    {"multilinestring", 1111},
                                                    {"multipolygon", 1111},
                                                    {"geometrycollection", 1111}};
  if (c.is_json) return 1111;
  auto it = kTypes.find(c.data_type);
  return it == kTypes.end() ? 1111 : it->second;
}

std::string debezium_type_name(const InfoColumn& c) {
  if (c.is_json) return "JSON";
  std::string name = upper_case(c.data_type);
  const bool zerofill = c.column_type.find("zerofill") != std::string::npos;
  if (zerofill) return name + " UNSIGNED ZEROFILL";
  if (c.column_type.find("unsigned") != std::string::npos) name += " UNSIGNED";
  return name;
}

Value describe_column(const InfoColumn& c, int position) {
  const std::string type = debezium_type_name(c);
  Value length, scale;
  debezium_length_scale(c, length, scale);
  const bool auto_increment = c.extra.find("auto_increment") != std::string::npos;
  Object o;
  o.append(intern("name"), text_value(c.name));
  o.append(intern("jdbcType"), int_value(jdbc_type(c)));
  o.append(intern("nativeType"), Value());
  o.append(intern("typeName"), text_value(type));
  o.append(intern("typeExpression"), text_value(type));
  o.append(intern("charsetName"),
           charset_type(c) && !c.charset.empty() ? text_value(c.charset) : Value());
  o.append(intern("length"), length);
  o.append(intern("scale"), scale);
  o.append(intern("position"), int_value(position));
  o.append(intern("optional"), Value::boolean(c.nullable));
  o.append(intern("autoIncremented"), Value::boolean(auto_increment));
  o.append(intern("generated"), Value::boolean(auto_increment));
  o.append(intern("comment"), Value());
  o.append(intern("defaultValueExpression"), debezium_default(c));
  o.append(intern("enumValues"), debezium_enum_values(c));
  return Value::object(std::move(o));
}

result<Value> describe_table(Connection& conn, const std::string& db, const std::string& table) {
  auto t = load_table_model(conn, db, table);
  if (!t.ok()) return t.err();
  if (!t->has_value()) return Value();  // no such table (dropped since)
  return describe_model(**t);
}

}  // namespace sluice::operators::mysql
