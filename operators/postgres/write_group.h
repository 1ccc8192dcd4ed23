// One flush's work for one target table: the events, the rows to apply (collapsed to the
// last event per key in upsert/soft_delete mode) and the columns to write.
// A flush's groups are applied in their order; a truncate starts new groups for the events
// after it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/event.h"
#include "operators/postgres/table_info.h"

namespace sluice::operators::postgres {

struct WriteColumn {
  enum class Src : uint8_t { Field, Op, Ts, Pos, Deleted };
  std::string name;
  std::string type;  // exact target type (format_type text)
  Sym sym = 0;
  Src src = Src::Field;
  ColKind kind = ColKind::Plain;
};

struct WriteItem {
  const Event* ev = nullptr;
  const Object* row = nullptr;  // the image written (after; before for deletes)
  bool is_delete = false;
  uint32_t at = 0;    // index of ev in the flush (its seq = the flush's first seq + at)
  uint32_t hash = 0;  // of the key columns' values (upsert/soft_delete): picks the connection
};

struct WriteGroup {
  TableInfo* table = nullptr;
  std::vector<const Event*> events;  // arrival order
  std::vector<uint32_t> event_at;    // index of each event in the flush
  std::vector<WriteItem> items;      // applied rows
  std::vector<WriteColumn> cols;
  std::vector<size_t> key_cols;  // indexes into cols
  bool direct = false;           // COPY straight into the target (append, safe snapshot)
  // A source TRUNCATE (Op::Truncate, events[0]) in upsert/soft_delete mode: no items; applied
  // in order with the groups before and after it (TableWriter::apply). In append mode a
  // truncate is an ordinary row (cdc_operation 't', other columns NULL).
  bool truncate = false;
  // Upsert: more tables the same TRUNCATE empties (a takeover's, Lineage): PostgreSQL truncates
  // a table a foreign key refers to only together with the tables that refer to it.
  std::vector<TableInfo*> truncate_with;
  // A table without a key (upsert/soft_delete): items are the events in order; creates are
  // COPied, updates and deletes change one row equal to the before image
  // (full_identity_sql.h), like PostgreSQL's REPLICA IDENTITY FULL.
  bool full_identity = false;

  // A group for the same table and columns, without events or items (to take a part of this
  // one's items: a connection's share, the deletes).
  WriteGroup same_columns() const {
    WriteGroup g;
    g.table = table;
    g.cols = cols;
    g.key_cols = key_cols;
    g.direct = direct;
    g.full_identity = full_identity;
    return g;
  }
};

}  // namespace sluice::operators::postgres
