#include "operators/mysql/compressed_event.h"

#include <zlib.h>

#include <string>

#include "operators/mysql/byte_reader.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

constexpr uint8_t kQueryEvent = 2;
constexpr uint8_t kWriteRowsV1 = 23;
constexpr uint8_t kWriteRowsV2 = 30;
constexpr uint8_t kFirstRowsCompressedV2 = 169;  // WRITE_ROWS_COMPRESSED_EVENT
constexpr size_t kQueryPostHeader = 13;  // thread id 4, exec time 4, db len 1, error 2, status 2
constexpr size_t kRowsPostHeader = 8;    // table id 6, flags 2

error malformed(const RawEvent& ev, const std::string& why) {
  return error::fatal(errc::decode, "compressed binlog event of type " + std::to_string(ev.type) +
                                        " ending at " + std::to_string(ev.next_pos) + ": " + why);
}

// Where the compressed block of a rows event starts: after the post-header (v2: and its extra
// data), the column count, the columns-present bitmap (updates: two bitmaps).
result<size_t> rows_block_offset(const RawEvent& ev, bool v2, bool update) {
  ByteReader r(ev.body, ev.body_len);
  r.skip(kRowsPostHeader);
  if (v2) {
    uint64_t extra = r.le(2);  // includes its own 2 bytes
    if (extra < 2) return malformed(ev, "extra data length " + std::to_string(extra));
    r.skip(static_cast<size_t>(extra - 2));
  }
  uint64_t width = r.lenenc();
  size_t bitmap = static_cast<size_t>((width + 7) / 8);
  r.skip(update ? 2 * bitmap : bitmap);
  if (r.failed() || r.remaining() == 0) return malformed(ev, "no compressed rows");
  return ev.body_len - r.remaining();
}

result<size_t> query_block_offset(const RawEvent& ev) {
  if (ev.body_len < kQueryPostHeader) return malformed(ev, "shorter than its post-header");
  size_t dblen = ev.body[8];
  size_t status_len = static_cast<size_t>(ev.body[11] | ev.body[12] << 8);
  size_t off = kQueryPostHeader + status_len + dblen + 1;
  if (off >= ev.body_len) return malformed(ev, "no compressed statement");
  return off;
}

}  // namespace

bool is_maria_compressed_event(uint8_t type) {
  return type >= kQueryCompressedEvent && type <= kLastRowsCompressedEvent;
}

result<void> uncompress_maria_block(const uint8_t* p, size_t len, std::vector<uint8_t>& out) {
  if (len < 2 || (p[0] & 0x80) == 0)
    return error::fatal(errc::decode, "not a compressed binlog block");
  unsigned alg = (p[0] >> 4) & 0x07;
  size_t lenlen = p[0] & 0x07;
  if (alg != 0) {
    return error::fatal(errc::decode, "binlog block compressed with algorithm " +
                                          std::to_string(alg) + " (only zlib, 0, is known)");
  }
  if (lenlen < 1 || lenlen > 4 || len < 1 + lenlen) {
    return error::fatal(
        errc::decode, "compressed binlog block with a " + std::to_string(lenlen) + "-byte length");
  }
  uLongf want = 0;
  for (size_t i = 0; i < lenlen; ++i) want = (want << 8) | p[1 + i];
  // Deflate expands at most 1032 times: a larger length is a damaged block, not a size to
  // allocate.
  const uLongf most = static_cast<uLongf>(len - 1 - lenlen) * 1032 + 64;
  if (want > most) {
    return error::fatal(errc::decode, "compressed binlog block of " + std::to_string(len) +
                                          " bytes claims " + std::to_string(want) +
                                          " bytes uncompressed");
  }
  size_t at = out.size();
  out.resize(at + want);
  uLongf got = want;
  int rc = uncompress(out.data() + at, &got, p + 1 + lenlen, static_cast<uLong>(len - 1 - lenlen));
  if (rc != Z_OK || got != want) {
    out.resize(at);
    return error::fatal(errc::decode, "compressed binlog block does not inflate (zlib error " +
                                          std::to_string(rc) + ", " + std::to_string(got) + " of " +
                                          std::to_string(want) + " bytes)");
  }
  return {};
}

result<RawEvent> expand_maria_compressed(const RawEvent& ev, std::vector<uint8_t>& storage) {
  RawEvent out = ev;
  result<size_t> off = size_t{0};
  if (ev.type == kQueryCompressedEvent) {
    off = query_block_offset(ev);
    out.type = kQueryEvent;
  } else if (ev.type >= kFirstRowsCompressedEvent && ev.type <= kLastRowsCompressedEvent) {
    bool v2 = ev.type >= kFirstRowsCompressedV2;
    uint8_t kind = static_cast<uint8_t>(
        ev.type - (v2 ? kFirstRowsCompressedV2 : kFirstRowsCompressedEvent));  // 0 1 2
    off = rows_block_offset(ev, v2, kind == 1);
    out.type = static_cast<uint8_t>((v2 ? kWriteRowsV2 : kWriteRowsV1) + kind);
  } else {
    return malformed(ev, "not a compressed event type");
  }
  if (!off.ok()) return off.err();
  storage.assign(ev.body, ev.body + *off);
  auto r = uncompress_maria_block(ev.body + *off, ev.body_len - *off, storage);
  if (!r.ok()) return malformed(ev, r.err().message);
  out.body = storage.data();
  out.body_len = storage.size();
  out.size = static_cast<uint32_t>(kEventHeaderSize + storage.size());
  return out;
}

}  // namespace sluice::operators::mysql
