#include "operators/mysql/binlog_event.h"

#include <zlib.h>

#include "base/hex_text.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {
uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
}  // namespace

result<RawEvent> parse_event(const uint8_t* data, size_t len, bool checksum) {
  if (len < kEventHeaderSize) {
    return error::fatal(errc::decode,
                        "binlog event of " + std::to_string(len) + " bytes: shorter than a header");
  }
  RawEvent e;
  e.timestamp = le32(data);
  e.type = data[4];
  e.server_id = le32(data + 5);
  e.size = le32(data + 9);
  e.next_pos = le32(data + 13);
  e.flags = static_cast<uint16_t>(data[17] | data[18] << 8);
  if (e.size < kEventHeaderSize || e.size > len) {
    return error::fatal(errc::decode, "binlog event of type " + std::to_string(e.type) + " says " +
                                          std::to_string(e.size) + " bytes but " +
                                          std::to_string(len) + " arrived");
  }
  e.body = data + kEventHeaderSize;
  e.body_len = e.size - kEventHeaderSize;
  if (checksum) {
    if (e.body_len < 4)
      return error::fatal(errc::decode, "binlog event too short for its checksum");
    e.body_len -= 4;
  }
  return e;
}

bool crc_matches(const uint8_t* data, size_t len) {
  if (len < 4) return false;
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, data, static_cast<uInt>(len - 4));
  return static_cast<uint32_t>(crc) == le32(data + len - 4);
}

bool format_description_has_checksum(const uint8_t* body, size_t body_len) {
  // binlog_version(2) server_version(50) created(4) header_length(1) post-header lengths...,
  // then checksum_alg(1) and the CRC(4) on servers that know checksums (MySQL 5.6.1+,
  // MariaDB 5.3+). alg 0 = off, 1 = CRC32.
  if (body_len < 57 + 5) return false;
  return body[body_len - 5] == 1;
}

result<XaPrepare> parse_xa_prepare(const uint8_t* body, size_t body_len) {
  ByteReader r(body, body_len);
  XaPrepare x;
  x.one_phase = r.u8() != 0;
  const uint64_t format = r.le(4);
  const uint64_t gtrid = r.le(4), bqual = r.le(4);
  if (r.failed() || gtrid > 64 || bqual > 64) {
    return error::fatal(errc::decode, "malformed XA_PREPARE_LOG_EVENT");
  }
  const std::string_view data = r.bytes(static_cast<size_t>(gtrid + bqual));
  if (r.failed()) return error::fatal(errc::decode, "malformed XA_PREPARE_LOG_EVENT");
  x.xid = "X'" + hex_text(data.substr(0, static_cast<size_t>(gtrid)), true) + "',X'" +
          hex_text(data.substr(static_cast<size_t>(gtrid)), true) + "'," + std::to_string(format);
  return x;
}

result<RotateEvent> parse_rotate(const uint8_t* body, size_t body_len) {
  ByteReader r(body, body_len);
  RotateEvent ev;
  ev.position = r.le(8);
  if (r.failed() || r.remaining() == 0) {
    return error::fatal(errc::decode,
                        "rotate event of " + std::to_string(body_len) + " bytes has no file name");
  }
  ev.file = std::string(r.bytes(r.remaining()));
  return ev;
}

result<MariaGtid> parse_maria_gtid(const uint8_t* body, size_t body_len, uint32_t server_id,
                                   uint8_t& flags) {
  ByteReader r(body, body_len);
  MariaGtid g;
  g.seq = r.le(8);
  g.domain = static_cast<uint32_t>(r.le(4));
  flags = r.u8();
  if (r.failed())
    return error::fatal(errc::decode, "GTID event of " + std::to_string(body_len) + " bytes");
  g.server = server_id;
  return g;
}

result<std::vector<MariaGtid>> parse_gtid_list(const uint8_t* body, size_t body_len) {
  ByteReader r(body, body_len);
  uint32_t n = static_cast<uint32_t>(r.le(4)) & 0x0fffffffu;  // the top 4 bits are flags
  std::vector<MariaGtid> out;
  for (uint32_t i = 0; i < n && !r.failed(); ++i) {
    MariaGtid g;
    g.domain = static_cast<uint32_t>(r.le(4));
    g.server = static_cast<uint32_t>(r.le(4));
    g.seq = r.le(8);
    out.push_back(g);
  }
  if (r.failed())
    return error::fatal(errc::decode, "GTID list event of " + std::to_string(body_len) + " bytes");
  return out;
}

std::string refuse_unhandled_event(uint8_t type) {
  switch (type) {
    case 1:  // START_EVENT_V3
    case 3:  // STOP_EVENT: the server shut down; a rotate follows on restart
    case 5:  // INTVAR_EVENT, RAND_EVENT, USER_VAR_EVENT: statement-mode context
    case 13:
    case 14:
    case 9:   // APPEND_BLOCK / DELETE_FILE / BEGIN_LOAD_QUERY / EXECUTE_LOAD_QUERY: LOAD DATA
    case 11:  // in statement mode; in ROW format its rows come as rows events
    case 17:
    case 18:
    case 27:  // HEARTBEAT_LOG_EVENT (and _V2, 41)
    case 41:
    case 28:  // IGNORABLE_LOG_EVENT
    case 29:  // ROWS_QUERY_LOG_EVENT: the statement text of the rows that follow
    case 34:  // ANONYMOUS_GTID_LOG_EVENT (MySQL without GTIDs)
    case 35:  // PREVIOUS_GTIDS_LOG_EVENT (MySQL: the GTID set at the start of a file)
    case 36:  // TRANSACTION_CONTEXT_EVENT, VIEW_CHANGE_EVENT: group replication
    case 37:
    case 160:  // ANNOTATE_ROWS_EVENT (MariaDB: the statement of the rows that follow)
    case 161:  // BINLOG_CHECKPOINT_EVENT
    case 164:  // START_ENCRYPTION_EVENT (the dump sends decrypted events)
      return "";
    case 26:
      return "INCIDENT_EVENT: the server logged an incident (changes may be missing from the "
             "binlog); check the server's error log, then restart from a fresh snapshot";
    case 39:
      return "PARTIAL_UPDATE_ROWS_EVENT: partial JSON updates are not decoded; SET GLOBAL "
             "binlog_row_value_options = '' on the server";
    default:
      return "binlog event type " + std::to_string(type) +
             " is unknown to this version of Sluice; it stops rather than skip it";
  }
}

}  // namespace sluice::operators::mysql
