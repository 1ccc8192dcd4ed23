#include "operators/kafka/transaction_topic.h"

namespace sluice::operators::kafka {

int64_t* TransactionTopic::count_of(const std::string& collection) {
  for (auto& c : counts_) {
    if (c.first == collection) return &c.second;
  }
  return nullptr;
}

void TransactionTopic::end(bool schemas, std::vector<Message>& out) {
  Message m;
  debezium::append_tx_key(id_, schemas, m.key);
  debezium::append_tx_end(id_, ts_ms_, counts_, schemas, m.value);
  out.push_back(std::move(m));
  id_.clear();
  total_ = 0;
  counts_.clear();
}

bool TransactionTopic::before(const Event& e, bool schemas, std::vector<Message>& out,
                              debezium::TxBlock& block) {
  std::string id = debezium::transaction_id(e);
  if (id.empty()) return false;
  if (id != id_) {
    if (!id_.empty()) end(schemas, out);
    id_ = std::move(id);
    ts_ms_ = e.ts / 1000;
    Message m;
    debezium::append_tx_key(id_, schemas, m.key);
    debezium::append_tx_begin(id_, ts_ms_, schemas, m.value);
    out.push_back(std::move(m));
  }
  const int64_t* c = count_of(debezium::data_collection(e));
  block.id = id_;
  block.total_order = total_ + 1;
  block.data_collection_order = (c ? *c : 0) + 1;
  return true;
}

void TransactionTopic::after(const Event& e, bool schemas, std::vector<Message>& out) {
  const std::string collection = debezium::data_collection(e);
  if (int64_t* c = count_of(collection))
    ++*c;
  else
    counts_.emplace_back(collection, 1);
  ++total_;
  if (e.txn_last) end(schemas, out);
}

}  // namespace sluice::operators::kafka
