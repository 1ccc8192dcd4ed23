// What the sink knows about one target table: columns with their exact types, primary key,
// and whether snapshot rows may be COPied straight into it.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "operators/postgres/sql_text.h"
#include "operators/postgres/type_map.h"

namespace sluice::operators::postgres {

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type() text: "numeric(15,2)", "timestamp with time zone"
  ColKind kind = ColKind::Plain;
  // GENERATED ALWAYS AS (...) STORED: PostgreSQL computes it; a field of that name is not written.
  bool generated = false;
};

struct TableInfo {
  QualifiedName name;
  std::string quoted;  // "schema"."name"
  bool exists = false;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  // The columns of each unique index without a condition (ON CONFLICT can use them too).
  std::vector<std::vector<std::string>> unique_keys;
  // True while the table was empty when first seen (or created by this sink) and only
  // snapshot rows were written since: snapshot batches go by COPY straight into it.
  bool copy_safe = false;
  // The table had rows when the sink loaded it (TableCatalog::get): rows its lineage may not have
  // written, which a takeover must not clear (Lineage).
  bool held_rows = false;
  // The tables its foreign keys refer to (quoted, as `quoted`; itself left out).
  std::vector<std::string> refers_to;
  // The source table description (SourceMeta) whose column types were last compared with the
  // table's (BatchPlanner: widened types); compared again when another one comes.
  // Held, so that a later description cannot take its address.
  std::shared_ptr<const void> types_checked_for;

  // Whether the primary key or a unique index is on exactly these columns (in any order): what
  // INSERT ... ON CONFLICT (columns) needs.
  bool unique_on(const std::vector<std::string>& cols) const {
    auto same = [&](const std::vector<std::string>& k) {
      return k.size() == cols.size() && std::is_permutation(k.begin(), k.end(), cols.begin());
    };
    if (same(primary_key)) return true;
    return std::any_of(unique_keys.begin(), unique_keys.end(), same);
  }

  const ColumnInfo* column(const std::string& n) const {
    for (const auto& c : columns) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
};

}  // namespace sluice::operators::postgres
