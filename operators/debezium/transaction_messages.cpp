#include "operators/debezium/transaction_messages.h"

#include "base/json.h"

namespace sluice::operators::debezium {
namespace {

const char kKeySchema[] =
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.common.TransactionMetadataKey\","
    "\"version\":1}";

const char kValueSchema[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"status\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"event_count\"},"
    "{\"type\":\"array\",\"items\":{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"data_collection\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"event_count\"}],"
    "\"optional\":true,\"name\":\"event.collection\",\"version\":1},"
    "\"optional\":true,\"field\":\"data_collections\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.common.TransactionMetadataValue\","
    "\"version\":1}";

void open_message(const char* schema, bool schemas, std::string& out) {
  if (!schemas) return;
  out += "{\"schema\":";
  out += schema;
  out += ",\"payload\":";
}

void close_message(bool schemas, std::string& out) {
  if (schemas) out += "}";
}

void append_value(const char* status, const std::string& id, int64_t ts_ms,
                  const std::vector<std::pair<std::string, int64_t>>* counts, bool schemas,
                  std::string& out) {
  open_message(kValueSchema, schemas, out);
  out += "{\"status\":\"";
  out += status;
  out += "\",\"id\":";
  json::encode_string(id, out);
  if (counts == nullptr) {
    out += ",\"event_count\":null,\"data_collections\":null";
  } else {
    int64_t total = 0;
    for (const auto& c : *counts) total += c.second;
    out += ",\"event_count\":" + std::to_string(total) + ",\"data_collections\":[";
    for (size_t i = 0; i < counts->size(); ++i) {
      if (i) out.push_back(',');
      out += "{\"data_collection\":";
      json::encode_string((*counts)[i].first, out);
      out += ",\"event_count\":" + std::to_string((*counts)[i].second) + "}";
    }
    out += "]";
  }
  out += ",\"ts_ms\":" + std::to_string(ts_ms) + "}";
  close_message(schemas, out);
}

}  // namespace

std::string transaction_id(const Event& e) {
  const LogOrigin* o = e.origin.get();
  if (o == nullptr || e.op == Op::Read) return "";
  if (!o->gtid.empty()) return o->gtid;
  return o->file + ":" + std::to_string(o->txn_pos);
}

std::string data_collection(const Event& e) {
  if (!e.source) return "";
  return e.source->db.empty() ? e.source->table : e.source->db + "." + e.source->table;
}

void append_tx_key(const std::string& id, bool schemas, std::string& out) {
  open_message(kKeySchema, schemas, out);
  out += "{\"id\":";
  json::encode_string(id, out);
  out += "}";
  close_message(schemas, out);
}

void append_tx_begin(const std::string& id, int64_t ts_ms, bool schemas, std::string& out) {
  append_value("BEGIN", id, ts_ms, nullptr, schemas, out);
}

void append_tx_end(const std::string& id, int64_t ts_ms,
                   const std::vector<std::pair<std::string, int64_t>>& counts, bool schemas,
                   std::string& out) {
  append_value("END", id, ts_ms, &counts, schemas, out);
}

void append_tx_block(const TxBlock& b, std::string& out) {
  out += "{\"id\":";
  json::encode_string(b.id, out);
  out += ",\"total_order\":" + std::to_string(b.total_order) +
         ",\"data_collection_order\":" + std::to_string(b.data_collection_order) + "}";
}

}  // namespace sluice::operators::debezium
