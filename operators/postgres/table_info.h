// What the sink knows about one target table: columns with their exact types, primary key,
// and whether snapshot rows may be COPied straight into it.
#pragma once
#include <string>
#include <vector>

#include "operators/postgres/sql_text.h"
#include "operators/postgres/type_map.h"

namespace sluice::operators::postgres {

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type() text: "numeric(15,2)", "timestamp with time zone"
  ColKind kind = ColKind::Plain;
};

struct TableInfo {
  QualifiedName name;
  std::string quoted;  // "schema"."name"
  bool exists = false;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  // True while the table was empty when first seen (or created by this sink) and only
  // snapshot rows were written since: snapshot batches go by COPY straight into it.
  bool copy_safe = false;

  const ColumnInfo* column(const std::string& n) const {
    for (const auto& c : columns) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
};

}  // namespace sluice::operators::postgres
