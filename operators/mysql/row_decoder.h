// Decodes WRITE/UPDATE/DELETE_ROWS events (v1 from MariaDB, v2 from MySQL 8) into change
// events using the TABLE_MAP of their table. Sets op, row, before and source; the caller sets
// ts and position.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/table_map.h"

namespace sluice::operators::mysql {

class RowDecoder {
 public:
  static bool is_rows_event(uint8_t type);
  // The table id of a rows event body (bytes after the 19-byte header, checksum removed).
  static uint64_t table_id(const uint8_t* body, size_t len);

  // Appends one event per row. Returns the number of events appended.
  result<size_t> decode(uint8_t event_type, const uint8_t* body, size_t len, const TableMap& tm,
                        std::vector<Event>& out);

  DecodeStats& stats() { return stats_; }
  // After decode(): "" when its rows can be applied, else what their images lack (a session
  // with binlog_row_image MINIMAL or NOBLOB): a row of an insert or an update's new row without
  // some columns, or a delete's or update's old row without its key (or, without a key, without
  // any column). A delete with its key needs nothing more.
  const std::string& lacking() const { return lacking_; }

 private:
  // refused: set (if still empty) to why a JSON value read whole cannot be taken (errc
  // bad_json); the value is null in the row and the caller makes the event a dead letter.
  result<void> decode_image(ByteReader& r, const TableMap& tm, const std::vector<uint8_t>& present,
                            size_t npresent, Object& row, bool& current, std::string& refused);
  static bool versioned_change(Event& e, bool was, bool is);
  void find_lacking(const TableMap& tm, bool update, bool del);
  std::string lacking_;
  DecodeStats stats_;
  std::vector<uint8_t> present1_, present2_;
};

}  // namespace sluice::operators::mysql
