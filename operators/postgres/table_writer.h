// Applies a WriteGroup's rows to its table inside a transaction, set-wise:
// - direct: one COPY into the target (append mode; snapshot rows into a safe table);
// (COPY is binary, sent while it is encoded, up to the first value without an exact binary
// form; text from there on)
// - staging: one COPY into a per-connection TEMP table (ON COMMIT DELETE ROWS, same column
//   types as the target), then one INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE and one
//   DELETE ... USING for deletes (upsert mode);
// - a truncate group: TRUNCATE (upsert) or UPDATE ... SET cdc_deleted = true (soft_delete);
// - a table without a key (full_identity): in order, creates by COPY into the target, updates
//   and deletes one row each (full_identity_sql.h).
// All calls may throw libpqxx exceptions.
#pragma once
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "operators/postgres/binary_copy.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/write_group.h"

namespace pqxx {
class transaction_base;
}

namespace sluice::operators::postgres {

class TableWriter {
 public:
  explicit TableWriter(Mode mode, bool binary = true) : mode_(mode), binary_(binary) {}
  // Creates the group's staging table in tx when this connection lacks it (call outside any
  // subtransaction).
  void prepare(pqxx::transaction_base& tx, const WriteGroup& g);
  // Writes items [lo, hi) of g (a truncate group: the truncate, whatever lo/hi).
  void apply(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo, size_t hi);
  void committed();  // the transaction committed: staging tables it created now exist
  void aborted();    // it rolled back: they don't
  void reset();      // new connection: no staging tables
  uint64_t binary_copies() const { return binary_copies_; }  // COPYs sent in binary so far

 private:
  std::string signature(const WriteGroup& g) const;
  void truncate(pqxx::transaction_base& tx, const WriteGroup& g);
  void apply_full_identity(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo, size_t hi);
  void copy_rows(pqxx::transaction_base& tx, const std::string& target, const WriteGroup& g,
                 size_t lo, size_t hi, bool staging, size_t& n_upserts, size_t& n_deletes);
  // The binary form of each column of g into bin_; false when one has none (text COPY then).
  bool binary_columns(const WriteGroup& g);

  Mode mode_;
  bool binary_;
  uint64_t binary_copies_ = 0;
  std::unordered_map<std::string, std::string> staging_;  // signature -> temp table (committed)
  std::unordered_map<std::string, std::string> created_;  // created in the open transaction
  std::unordered_set<std::string> used_;                  // staging used in this transaction
  int counter_ = 0;
  std::string buf_;
  std::vector<BinType> bin_;
};

}  // namespace sluice::operators::postgres
