// Debezium's transaction metadata (provide.transaction.metadata): the BEGIN and END messages of
// the SERVER.transaction topic (key io.debezium.connector.common.TransactionMetadataKey {id},
// value io.debezium.connector.common.TransactionMetadataValue {status, id, event_count,
// data_collections [event.collection {data_collection, event_count}], ts_ms}) and the
// `transaction` block of change events (event.block {id, total_order, data_collection_order}).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/event.h"

namespace sluice::operators::debezium {

struct TxBlock {
  std::string id;
  int64_t total_order = 0;            // the change's place in its transaction, from 1
  int64_t data_collection_order = 0;  // ... among the changes of its table, from 1
};

// The source transaction of a change: its GTID, else "FILE:POS" where it starts (Debezium's
// ids); "" for a change outside one (snapshot reads, sources without a log).
std::string transaction_id(const Event& e);

// "db.table" of a change, Debezium's data collection.
std::string data_collection(const Event& e);

void append_tx_key(const std::string& id, bool schemas, std::string& out);
void append_tx_begin(const std::string& id, int64_t ts_ms, bool schemas, std::string& out);
void append_tx_end(const std::string& id, int64_t ts_ms,
                   const std::vector<std::pair<std::string, int64_t>>& counts, bool schemas,
                   std::string& out);
// {"id":..,"total_order":..,"data_collection_order":..}
void append_tx_block(const TxBlock& b, std::string& out);

}  // namespace sluice::operators::debezium
