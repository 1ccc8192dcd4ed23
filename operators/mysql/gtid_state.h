// The GTID state of a binlog stream: what the checkpoint records and what a resume or a
// failover to another server starts from.
//  - MariaDB: the last GTID per replication domain, "0-1-42,1-2-7" (@@gtid_binlog_pos form,
//    what @slave_connect_state takes).
//  - MySQL: the executed GTID set, "uuid:1-100:105,uuid2:1-7" (@@gtid_executed form).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sluice::operators::mysql {

class GtidState {
 public:
  // Parses either form ("" = empty). A single MariaDB GTID is a state of one domain.
  static result<GtidState> parse(std::string_view text);
  bool empty() const { return maria_.empty() && mysql_.empty(); }
  bool is_mysql() const { return !mysql_.empty(); }
  // A committed MariaDB transaction.
  void add_maria(uint32_t domain, uint32_t server, uint64_t seq);
  // A domain's state from a GTID_LIST event, for domains this state does not know yet.
  void merge_maria(uint32_t domain, uint32_t server, uint64_t seq);
  // A committed MySQL transaction (uuid text, transaction number).
  void add_mysql(const std::string& uuid, uint64_t gno);
  std::string text() const;

 private:
  static void normalize(std::vector<std::pair<uint64_t, uint64_t>>& ranges);
  struct Last {
    uint32_t server = 0;
    uint64_t seq = 0;
  };
  std::map<uint32_t, Last> maria_;
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> mysql_;  // closed ranges
};

}  // namespace sluice::operators::mysql
