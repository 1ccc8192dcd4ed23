// Binlog events as a dump delivers them: the input is a sequence of events (each a 19-byte header
// whose size field says where the next one starts, like a binlog file after its magic), decoded
// by the production functions in the order BinlogStream::Impl::handle calls them
// (binlog_stream_events.cpp): framing and checksum, FORMAT_DESCRIPTION, ROTATE, both GTID kinds,
// GTID_LIST, QUERY (DDL recognition), TABLE_MAP, WRITE/UPDATE/DELETE_ROWS v1 and v2 against the
// TABLE_MAP seen for their table id, MariaDB compressed events and MySQL transaction payloads
// (their inner events handled the same way). Without a server, a TABLE_MAP is used as it is
// (names from its optional metadata, else col_N) instead of being completed from
// information_schema. Decoded rows go through the JSON event encoding as a sink would write them.
// An error result is a fine outcome; a crash, a sanitizer report or an exception is not.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/event_codec.h"
#include "operators/mysql/binlog_event.h"
#include "operators/mysql/compressed_event.h"
#include "operators/mysql/ddl_statement.h"
#include "operators/mysql/gtid_state.h"
#include "operators/mysql/row_decoder.h"
#include "operators/mysql/table_map.h"
#include "operators/mysql/transaction_payload.h"

namespace my = sluice::operators::mysql;

namespace {

// Event type numbers (mariadb_rpl.h), as the stream switches on them.
constexpr uint8_t kQuery = 2, kRotate = 4, kFormatDescription = 15, kXid = 16, kTableMap = 19,
                  kGtidLog = 33, kMariaGtid = 162, kMariaGtidList = 163;

struct Stream {
  bool checksum = true;  // MariaDB 10.11 and MySQL 8 default to CRC32 until an FDE says
  bool in_payload = false;
  std::unordered_map<uint64_t, my::TableMap> tables;
  my::RowDecoder decoder;
  my::GtidState gtids;
  std::vector<uint8_t> expanded, unpacked;
  std::vector<sluice::Event> events;
  std::string out;

  void handle(const my::RawEvent& ev);
  void on_query(const my::RawEvent& ev);
};

void Stream::on_query(const my::RawEvent& ev) {
  // binlog_stream_events.cpp on_query: post-header, status variables, db name, statement.
  if (ev.body_len < 13) return;
  size_t dblen = ev.body[8];
  size_t status_len = static_cast<size_t>(ev.body[11] | ev.body[12] << 8);
  size_t off = 13 + status_len;
  if (off + dblen + 1 > ev.body_len) return;
  std::string db(reinterpret_cast<const char*>(ev.body + off), dblen);
  off += dblen + 1;
  std::string sql(reinterpret_cast<const char*>(ev.body + off), ev.body_len - off);
  my::DdlStatement d = my::parse_ddl(sql, db);
  out += my::ddl_kind_name(d.kind);
  for (const auto& [tdb, table] : d.tables) out += tdb + "." + table;
}

void Stream::handle(const my::RawEvent& ev) {
  switch (ev.type) {
    case kFormatDescription:
      checksum = my::format_description_has_checksum(ev.body, ev.body_len);
      return;
    case kRotate: {
      auto r = my::parse_rotate(ev.body, ev.body_len);
      if (r.ok()) out += r->file;
      return;
    }
    case kMariaGtid: {
      uint8_t flags = 0;
      auto g = my::parse_maria_gtid(ev.body, ev.body_len, ev.server_id, flags);
      if (g.ok()) gtids.add_maria(g->domain, g->server, g->seq);
      return;
    }
    case kMariaGtidList: {
      auto list = my::parse_gtid_list(ev.body, ev.body_len);
      if (list.ok()) {
        for (const auto& g : *list) gtids.merge_maria(g.domain, g.server, g.seq);
      }
      return;
    }
    case kGtidLog:
    case kXid:
      return;  // read by the stream itself (fixed offsets after a length check)
    case kQuery:
      on_query(ev);
      return;
    case kTableMap: {
      auto tm = my::parse_table_map(ev.body, ev.body_len);
      if (!tm.ok()) return;
      tm->finish("fuzz");
      tables[my::RowDecoder::table_id(ev.body, ev.body_len)] = std::move(tm).value();
      return;
    }
    case my::kXaPrepareEvent: {
      auto x = my::parse_xa_prepare(ev.body, ev.body_len);
      if (x.ok()) out += x->xid;
      return;
    }
    case my::kTransactionPayloadEvent: {
      if (in_payload) return;
      auto p = my::parse_transaction_payload(ev.body, ev.body_len);
      if (!p.ok()) return;
      if (!my::unpack_transaction_payload(*p, unpacked).ok()) return;
      auto inner = my::split_inner_events(unpacked);
      if (!inner.ok()) return;
      in_payload = true;
      for (const my::RawEvent& e : *inner) handle(e);
      in_payload = false;
      return;
    }
    default:
      break;
  }
  if (my::RowDecoder::is_rows_event(ev.type)) {
    auto it = tables.find(my::RowDecoder::table_id(ev.body, ev.body_len));
    if (it == tables.end()) return;
    events.clear();
    auto n = decoder.decode(ev.type, ev.body, ev.body_len, it->second, events);
    if (n.ok()) {
      for (const auto& e : events) sluice::event_codec::append_line(e, out);
    }
    return;
  }
  if (my::is_maria_compressed_event(ev.type)) {
    auto plain = my::expand_maria_compressed(ev, expanded);
    if (plain.ok()) handle(*plain);
    return;
  }
  out += my::refuse_unhandled_event(ev.type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Stream s;
  size_t at = 0;
  while (at < size) {
    // One event a packet, as the dump sends them: the packet ends where the header says.
    const uint8_t* p = data + at;
    size_t len = size - at;
    if (len >= my::kEventHeaderSize) {
      size_t declared = p[9] | p[10] << 8 | p[11] << 16 | static_cast<size_t>(p[12]) << 24;
      if (declared >= my::kEventHeaderSize && declared < len) len = declared;
    }
    // As BinlogStream::Impl::on_event: no checksum on the FDE, and a rotate without a matching
    // CRC (the artificial one a dump starts with) is taken without one.
    bool sum = s.checksum && len >= my::kEventHeaderSize && p[4] != kFormatDescription;
    auto ev = my::parse_event(p, len, sum && !(p[4] == kRotate && !my::crc_matches(p, len)));
    if (!ev.ok()) break;  // the framing is lost: nothing after can be found
    at += ev->size;
    s.handle(*ev);
    if (s.out.size() > (1u << 20)) s.out.clear();
  }
  (void)s.gtids.text();
  return 0;
}
