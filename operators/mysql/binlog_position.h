// A binlog position: file + offset, plus the GTID of the last transaction when known, and how
// many row events of the transaction that follows were already delivered (exact resume
// inside a large transaction).
#pragma once
#include <cstdint>
#include <string>

namespace sluice::operators::mysql {

struct BinlogPosition {
  std::string file;
  uint64_t pos = 0;
  // The GTID state after the last commit (gtid_state.h): "0-1-42,1-2-7" on MariaDB (the last
  // GTID per domain), "uuid:1-42" on MySQL. Older checkpoints hold the last GTID alone.
  std::string gtid;
  uint64_t skip_rows = 0;   // row events of the next transaction already delivered
  uint32_t server = 0;      // @@server_id of the server whose file and pos these are (0: unknown)
  std::string server_uuid;  // its @@server_uuid (MySQL; "" on MariaDB or when unknown)
  bool valid() const { return !file.empty(); }
  std::string text() const { return file + ":" + std::to_string(pos); }
};

// (file, pos) <= p in binlog order (file names carry zero-padded sequence numbers).
// Binlog file order: the same base name, then the numeric extension as a number
// (mysql-bin.999999 < mysql-bin.1000000).
inline bool binlog_file_less(const std::string& a, const std::string& b) {
  const size_t da = a.rfind('.'), db = b.rfind('.');
  if (da != std::string::npos && db != std::string::npos && a.compare(0, da, b, 0, db) == 0) {
    const size_t la = a.size() - da, lb = b.size() - db;
    if (la != lb) return la < lb;
  }
  return a < b;
}

inline bool position_le(const std::string& file, uint64_t pos, const BinlogPosition& p) {
  return binlog_file_less(file, p.file) || (file == p.file && pos <= p.pos);
}

}  // namespace sluice::operators::mysql
