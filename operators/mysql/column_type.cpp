#include "operators/mysql/column_type.h"

namespace sluice::operators::mysql {

const char* column_type_name(uint8_t t) {
  switch (t) {
    case kDecimal:
      return "DECIMAL(old)";
    case kTiny:
      return "TINYINT";
    case kShort:
      return "SMALLINT";
    case kLong:
      return "INT";
    case kFloat:
      return "FLOAT";
    case kDouble:
      return "DOUBLE";
    case kNull:
      return "NULL";
    case kTimestamp:
      return "TIMESTAMP(old)";
    case kLongLong:
      return "BIGINT";
    case kInt24:
      return "MEDIUMINT";
    case kDate:
      return "DATE";
    case kTime:
      return "TIME(old)";
    case kDateTime:
      return "DATETIME(old)";
    case kYear:
      return "YEAR";
    case kNewDate:
      return "NEWDATE";
    case kVarchar:
      return "VARCHAR";
    case kBit:
      return "BIT";
    case kTimestamp2:
      return "TIMESTAMP";
    case kDateTime2:
      return "DATETIME";
    case kTime2:
      return "TIME";
    case kJson:
      return "JSON";
    case kNewDecimal:
      return "DECIMAL";
    case kEnum:
      return "ENUM";
    case kSet:
      return "SET";
    case kTinyBlob:
      return "TINYBLOB";
    case kMediumBlob:
      return "MEDIUMBLOB";
    case kLongBlob:
      return "LONGBLOB";
    case kBlob:
      return "BLOB";
    case kVarString:
      return "VAR_STRING";
    case kString:
      return "CHAR";
    case kGeometry:
      return "GEOMETRY";
  }
  return "UNKNOWN";
}

bool is_latin1_collation(uint32_t id) {
  switch (id) {
    case 5:
    case 8:
    case 15:
    case 31:
    case 47:
    case 48:
    case 49:
    case 94:
    case 1029:
    case 1032:
    case 1039:
    case 1055:
    case 1071:
    case 1072:
    case 1073:
    case 1118:
      return true;
    default:
      return false;
  }
}

bool is_character_column(const Column& c) {
  switch (c.type) {
    case kVarchar:
    case kVarString:
    case kBlob:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
      return true;
    case kString:
      return c.real_type == kString;
    default:
      return false;
  }
}

bool is_enum_or_set(const Column& c) { return c.real_type == kEnum || c.real_type == kSet; }

std::string source_type_text(const Column& c) {
  auto integer = [&](const char* name) {
    return std::string(name) + (c.is_unsigned ? " unsigned" : "");
  };
  auto with_fsp = [&](const char* name) {
    return c.fsp > 0 ? std::string(name) + "(" + std::to_string(c.fsp) + ")" : std::string(name);
  };
  auto with_labels = [&](const char* name) {
    if (c.labels.empty()) return std::string(name);
    std::string t = std::string(name) + "(";
    for (size_t i = 0; i < c.labels.size(); ++i) {
      if (i) t += ",";
      t += "'";
      for (char ch : c.labels[i]) t += ch == '\'' ? std::string("''") : std::string(1, ch);
      t += "'";
    }
    return t + ")";
  };
  if (c.is_json) return "json";
  if (!c.plugin_type.empty()) return c.plugin_type;
  bool binary = c.collation == kBinaryCollation;
  switch (c.real_type ? c.real_type : c.type) {
    case kDecimal:
    case kNewDecimal:
      return "decimal(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
    case kTiny:
      return integer("tinyint");
    case kShort:
      return integer("smallint");
    case kInt24:
      return integer("mediumint");
    case kLong:
      return integer("int");
    case kLongLong:
      return integer("bigint");
    case kFloat:
      return "float";
    case kDouble:
      return "double";
    case kTimestamp:
      return "timestamp";
    case kTimestamp2:
      return with_fsp("timestamp");
    case kDateTime:
      return "datetime";
    case kDateTime2:
      return with_fsp("datetime");
    case kDate:
    case kNewDate:
      return "date";
    case kTime:
    case kTime2:
      return "time";
    case kYear:
      return "year";
    case kJson:
      return "json";
    case kEnum:
      return with_labels("enum");
    case kSet:
      return with_labels("set");
    case kBit:
      return "bit(" + std::to_string((c.meta >> 8) * 8 + (c.meta & 0xff)) + ")";
    case kVarchar:
    case kVarString:
    case kString:
      return binary ? "varbinary" : "varchar";
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kBlob:
      return binary ? "blob" : "text";
    case kGeometry:
      return "geometry";
    default:
      return "";
  }
}

}  // namespace sluice::operators::mysql
