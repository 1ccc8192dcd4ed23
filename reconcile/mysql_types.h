// The families of MySQL column types (information_schema's DATA_TYPE) that sluice reconcile
// tells apart: integer keys are read in keyset chunks, binary values compared as hex.
#pragma once
#include <string>

namespace sluice::reconcile {

inline bool is_integer_type(const std::string& t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" ||
         t == "bigint";
}

inline bool is_binary_type(const std::string& t) {
  return t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
         t == "longblob" || t == "bit";
}

}  // namespace sluice::reconcile
