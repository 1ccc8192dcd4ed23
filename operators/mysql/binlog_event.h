// The framing of one binlog event as the server sends it in a dump: the 19-byte v4 header,
// the body and the optional CRC32 trailer; and the few control events the stream itself
// reads (rotate, MariaDB GTID and GTID list, the format description's checksum algorithm).
// Decoded here from the bytes, not by Connector/C's mariadb_rpl_fetch(): its 3.3 parser cut
// the file name of rotate events ("03" for bin.000003) and failed the stream at every
// FLUSH BINARY LOGS (issue 14).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace sluice::operators::mysql {

constexpr size_t kEventHeaderSize = 19;
constexpr uint16_t kLogEventArtificial = 0x20;  // LOG_EVENT_ARTIFICIAL_F

struct RawEvent {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t size = 0;      // header + body + checksum
  uint32_t next_pos = 0;  // 0 for artificial events
  uint16_t flags = 0;
  const uint8_t* body = nullptr;
  size_t body_len = 0;  // without the checksum
  bool artificial() const { return (flags & kLogEventArtificial) != 0; }
};

// Splits an event (header first) of `len` bytes; `checksum`: a 4-byte CRC32 trails it.
result<RawEvent> parse_event(const uint8_t* data, size_t len, bool checksum);

// True when the event's last 4 bytes are the CRC32 of the rest.
bool crc_matches(const uint8_t* data, size_t len);

// FORMAT_DESCRIPTION_EVENT: whether the events of this binlog file carry a CRC32.
// `body_len` is the whole body (the FDE's own checksum included).
bool format_description_has_checksum(const uint8_t* body, size_t body_len);

struct RotateEvent {
  uint64_t position = 0;
  std::string file;
};
result<RotateEvent> parse_rotate(const uint8_t* body, size_t body_len);

struct MariaGtid {
  uint32_t domain = 0;
  uint32_t server = 0;
  uint64_t seq = 0;
};
// MariaDB GTID_EVENT (162): the GTID (server id from the header) and the flags byte.
result<MariaGtid> parse_maria_gtid(const uint8_t* body, size_t body_len, uint32_t server_id,
                                   uint8_t& flags);
// MariaDB GTID_LIST_EVENT (163): the binlog state at the start of a file.
result<std::vector<MariaGtid>> parse_gtid_list(const uint8_t* body, size_t body_len);

// An event type the stream does not decode itself: "" when it carries nothing CDC needs
// (heartbeats, annotations, statement-mode helpers, checkpoints, ...), else why it cannot be
// passed over (an incident, partial JSON updates, XA, a type this version does not know): the
// stream stops with that reason and the position, never skipping it silently.
// Compressed events never come here: the stream decodes TRANSACTION_PAYLOAD_EVENT (40, MySQL,
// transaction_payload.h) and QUERY/ROWS_COMPRESSED events (165-171, MariaDB,
// compressed_event.h) itself.
std::string refuse_unhandled_event(uint8_t type);

// XA_PREPARE_LOG_EVENT: the end of an XA transaction's first phase (binlog_stream_xa.cpp).
constexpr uint8_t kXaPrepareEvent = 38;
struct XaPrepare {
  bool one_phase = false;
  std::string xid;  // as XA statements write it: X'<gtrid hex>',X'<bqual hex>',<formatID>
};
// one_phase (1), formatID (4), gtrid and bqual lengths (4 each, 64 at most), their bytes.
result<XaPrepare> parse_xa_prepare(const uint8_t* body, size_t body_len);

}  // namespace sluice::operators::mysql
