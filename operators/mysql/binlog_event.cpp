#include "operators/mysql/binlog_event.h"

#include <zlib.h>

#include "operators/mysql/byte_reader.h"

namespace sluice::operators::mysql {

namespace {
uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
}  // namespace

result<RawEvent> parse_event(const uint8_t* data, size_t len, bool checksum) {
  if (len < kEventHeaderSize) {
    return error::fatal("binlog event of " + std::to_string(len) + " bytes: shorter than a header");
  }
  RawEvent e;
  e.timestamp = le32(data);
  e.type = data[4];
  e.server_id = le32(data + 5);
  e.size = le32(data + 9);
  e.next_pos = le32(data + 13);
  e.flags = static_cast<uint16_t>(data[17] | data[18] << 8);
  if (e.size < kEventHeaderSize || e.size > len) {
    return error::fatal("binlog event of type " + std::to_string(e.type) + " says " +
                        std::to_string(e.size) + " bytes but " + std::to_string(len) +
                        " arrived");
  }
  e.body = data + kEventHeaderSize;
  e.body_len = e.size - kEventHeaderSize;
  if (checksum) {
    if (e.body_len < 4) return error::fatal("binlog event too short for its checksum");
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

result<RotateEvent> parse_rotate(const uint8_t* body, size_t body_len) {
  ByteReader r(body, body_len);
  RotateEvent ev;
  ev.position = r.le(8);
  if (r.failed() || r.remaining() == 0) {
    return error::fatal("rotate event of " + std::to_string(body_len) + " bytes has no file name");
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
  if (r.failed()) return error::fatal("GTID event of " + std::to_string(body_len) + " bytes");
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
  if (r.failed()) return error::fatal("GTID list event of " + std::to_string(body_len) + " bytes");
  return out;
}

}  // namespace sluice::operators::mysql
