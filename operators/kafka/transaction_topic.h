// `sink kafka { transaction_metadata = true }` (Debezium's provide.transaction.metadata): follows
// the source transactions of the changes written (the mysql source marks each transaction's
// last change, Event::txn_last) and gives the messages of SERVER.transaction: a BEGIN before a
// transaction's first change, an END with its counts per table after its last, and each
// change's `transaction` block. A transaction left unfinished (its last change not seen, e.g.
// after a restart inside it) is ended when the next one begins.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/event.h"
#include "operators/debezium/transaction_messages.h"

namespace sluice::operators::kafka {

class TransactionTopic {
 public:
  struct Message {
    std::string key, value;
  };

  // Before writing `e`: the messages to produce first, and e's block; false (nothing to do)
  // when `e` belongs to no transaction. Calling it again for the same change (a retried
  // write) gives the same block and no second BEGIN.
  bool before(const Event& e, bool schemas, std::vector<Message>& out, debezium::TxBlock& block);
  // After `e` was written (or dead-lettered): counted; its transaction's END when it was the
  // last change.
  void after(const Event& e, bool schemas, std::vector<Message>& out);

 private:
  void end(bool schemas, std::vector<Message>& out);
  int64_t* count_of(const std::string& collection);

  std::string id_;  // the open transaction; "" none
  int64_t ts_ms_ = 0;
  int64_t total_ = 0;
  std::vector<std::pair<std::string, int64_t>> counts_;  // per data collection, in order seen
};

}  // namespace sluice::operators::kafka
