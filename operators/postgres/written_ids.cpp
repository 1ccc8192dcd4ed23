#include "operators/postgres/written_ids.h"

#include <pqxx/pqxx>

#include "operators/postgres/sink_table_ddl.h"
#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {

uint64_t WrittenIds::hash(const std::string& event_id) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64: stable across builds and machines
  for (unsigned char c : event_id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string WrittenIds::where() const {
  return " WHERE pipeline = " + quote_literal(pipeline_) + " AND stage = " + quote_literal(stage_);
}

void WrittenIds::ensure(pqxx::connection_base& c) {
  static const SinkTableSpec spec{
      kTable,
      "pipeline text NOT NULL, stage text NOT NULL, lineage text NOT NULL, ckpt bigint NOT "
      "NULL, kind \"char\" NOT NULL, ids bytea NOT NULL",
      {},
      {std::string("CREATE INDEX IF NOT EXISTS sluice_written_stage ON ") + kTable +
       " (pipeline, stage, lineage, ckpt)"}};
  ensure_sink_table(c, spec);
}

void WrittenIds::record(pqxx::transaction_base& tx, const std::string& lineage, uint64_t ckpt,
                        char kind, const std::vector<uint64_t>& ids) const {
  if (ids.empty()) return;
  static const char* hex = "0123456789abcdef";
  std::string lit = "'\\x";
  lit.reserve(4 + ids.size() * 16 + 8);
  for (uint64_t v : ids) {
    for (int b = 0; b < 8; ++b) {
      unsigned byte = static_cast<unsigned>((v >> (8 * b)) & 0xff);
      lit += hex[byte >> 4];
      lit += hex[byte & 15];
    }
  }
  lit += "'::bytea";
  tx.exec(std::string("INSERT INTO ") + kTable +
          " (pipeline, stage, lineage, ckpt, kind, ids) VALUES (" + quote_literal(pipeline_) +
          ", " + quote_literal(stage_) + ", " + quote_literal(lineage) + ", " +
          std::to_string(ckpt) + ", '" + kind + "', " + lit + ")");
}

WrittenIds::Counts WrittenIds::load(pqxx::connection_base& c, const std::string& lineage,
                                    uint64_t ckpt) const {
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(std::string("SELECT ids FROM ") + kTable + where() +
                           " AND lineage = " + quote_literal(lineage) +
                           " AND ((kind = 'f' AND ckpt >= " + std::to_string(ckpt) +
                           ") OR (kind = 'c' AND ckpt = " + std::to_string(ckpt) + "))");
  Counts out;
  for (const auto& row : r) {
    pqxx::binarystring b(row[0]);
    const auto* p = reinterpret_cast<const unsigned char*>(b.data());
    for (size_t at = 0; at + 8 <= b.size(); at += 8) {
      uint64_t v = 0;
      for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[at + i]) << (8 * i);
      ++out[v];
    }
  }
  return out;
}

void WrittenIds::prune(pqxx::connection_base& c, const std::string& lineage, uint64_t ckpt) const {
  pqxx::nontransaction tx(c);
  tx.exec(std::string("DELETE FROM ") + kTable + where() +
          " AND lineage = " + quote_literal(lineage) + " AND ckpt < " + std::to_string(ckpt));
}

void WrittenIds::drop_other_lineages(pqxx::connection_base& c, const std::string& lineage) const {
  pqxx::nontransaction tx(c);
  tx.exec(std::string("DELETE FROM ") + kTable + where() + " AND lineage <> " +
          quote_literal(lineage));
}

}  // namespace sluice::operators::postgres
