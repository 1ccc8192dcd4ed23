// Turns a flush's events into per-table WriteGroups: evaluates the table expression, finds
// the key columns (key option > the table's primary key > SourceMeta::primary_key > the field
// names of an Object Event::key), creates missing tables and adds new columns (DDL in its own
// transaction), and in upsert/soft_delete mode collapses each table's events to the last
// event per key (an update that changes the key first deletes the old key). Once
// the target's foreign keys refused a batch, the order of the groups follows those keys and
// then the source's order (Order below). A truncate
// (upsert/soft_delete) becomes its own group between its table's events before and after it.
// A table of a source that reports it has no primary key (SourceMeta without primary_key,
// null Event::key) and no key option or target primary key is applied by full row identity
// (WriteGroup::full_identity). Records that can never be written (no table name, null key,
// no key columns) go to `dead`. May throw libpqxx exceptions.
//
// Planned without a connection (`c` null, while the previous flush still runs on it, docs/
// postgres.md "Pipelined apply"), it works from the catalog's cache alone and throws
// NeedsCatalog where it would read or change a table's definition.
#pragma once
#include <functional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "operators/postgres/errc.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/table_catalog.h"
#include "operators/postgres/write_group.h"

namespace pqxx {
class connection_base;
}

namespace sluice::operators::postgres {

struct FieldPlan;

class BatchPlanner {
 public:
  BatchPlanner(const SinkOptions& opts, TableCatalog& catalog) : opts_(opts), catalog_(catalog) {}

  // Thrown by plan() without a connection when it needs one.
  struct NeedsCatalog {};

  std::vector<WriteGroup> plan(pqxx::connection_base* c, const std::vector<const Event*>& evs,
                               std::vector<Event>& dead);

  void dead_letter(const Event& e, error_code code, const std::string& message,
                   std::vector<Event>& dead) const;

  // How a batch's groups are ordered. Tables: one group per table, in first-appearance order.
  // Keys: the same groups, upserts before deletes: upserts of a table after those of the tables
  // its foreign keys refer to, deletes before theirs (a foreign key of the target refused a
  // batch applied table by table). Source: runs of consecutive events of one table, in the
  // source's order (a foreign key refused a batch in Keys order too).
  enum class Order : uint8_t { Tables, Keys, Source };
  Order order() const { return order_; }
  // The next order after a foreign key refused a batch; false when already Source.
  bool stricter_order() {
    if (order_ == Order::Source) return false;
    order_ = order_ == Order::Tables ? Order::Keys : Order::Source;
    return true;
  }

 private:
  // The event's target table name; false (and a dead letter) when the expression fails.
  bool table_name(const Event& e, std::string& name, std::vector<Event>& dead) const;
  // Prepares a table's group and appends it to `out` when it has rows to write.
  // The table named `name`, from the cache or (with a connection) from the catalog.
  TableInfo& table(pqxx::connection_base* c, const std::string& name);
  void finish(pqxx::connection_base* c, WriteGroup& g, std::vector<Event>& dead,
              std::vector<WriteGroup>& out);
  // The group's columns and keys, creating the table or adding columns as needed; false (the
  // group's events dead-lettered) when it cannot be written.
  bool prepare_table(pqxx::connection_base* c, WriteGroup& g, std::vector<Event>& dead);
  // DDL: creates the table with the columns `add` and primary key `keys`, or adds them; the
  // end of an error message after the table's name ("" when done).
  std::string create_or_alter(pqxx::connection_base* c, TableInfo& t,
                              const std::vector<std::pair<std::string, std::string>>& add,
                              const std::vector<std::string>& keys);
  // A table without a key on `keys` (its source got a primary key since it was created): adds
  // that primary key when the table has none; else (and when it cannot) says why.
  std::string add_key(pqxx::connection_base* c, TableInfo& t, const std::vector<std::string>& keys);
  // Runs a CREATE or ALTER of one table: "" when done, else what the server refused (an
  // error that is no connection's or transaction's, which throws on).
  // `sqlstate`, when given, gets the refusal's SQLSTATE.
  static std::string run_ddl(const std::function<void()>& ddl, std::string* sqlstate = nullptr);
  void collapse(WriteGroup& g, std::vector<Event>& dead);
  // collapse() for the common snapshot case with nothing to collapse; false when not that case.
  bool collapse_sorted(WriteGroup& g);
  std::vector<std::string> key_names(const WriteGroup& g) const;
  // The table's primary key is not its source's key (changed by ALTER TABLE, or a table made
  // by hand) and no unique index is on that: a warning, once a table.
  void warn_other_key(const TableInfo& t, const std::vector<std::string>& source);
  // Once per source table description: with create_tables, a column narrower than its source's
  // type (INT to BIGINT, pg_type_holding) gets the type that holds both (ALTER COLUMN ...
  // TYPE); then warn_rounding. Like create_or_alter, the end of an error message ("" when done).
  std::string widen_types(pqxx::connection_base* c, const WriteGroup& g,
                          const std::vector<FieldPlan>& fields);
  // A column PostgreSQL writes the source's values into changed (timestamp(0) for DATETIME(6),
  // date for DATETIME, pg_type_rounding): a warning, once a table and column.
  void warn_rounding(const TableInfo& t, const std::vector<FieldPlan>& fields, const Event& newest);
  // Fields not written (named like the metadata columns, cdc_operation, ...; their columns
  // generated by PostgreSQL): a warning naming them and `why`, once a table and kind.
  void warn_once(const TableInfo& t, const char* kind, const std::string& names,
                 const std::string& why);
  // The group's events come from a source table without a key: full row identity.
  bool full_identity(const WriteGroup& g);
  void plan_full_identity(WriteGroup& g, std::vector<Event>& dead);

  const SinkOptions& opts_;
  TableCatalog& catalog_;
  std::unordered_set<std::string> keyless_logged_;
  std::unordered_set<std::string> other_key_logged_;
  std::unordered_set<std::string> warned_;
  Order order_ = Order::Tables;
};

}  // namespace sluice::operators::postgres
