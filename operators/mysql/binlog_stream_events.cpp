// BinlogStream's events (binlog_stream_impl.h): rotation and the checkpoint that follows it,
// MariaDB / MySQL GTIDs, commits, DDL (schema changes, TRUNCATE), TABLE_MAP tracking, rows,
// and every other event type either passed over knowingly or refused (binlog_event.h).
#include <mysql.h>

#include <cctype>
// mysql.h must come first.
#include <mariadb_rpl.h>

#include "base/logger.h"
#include "base/temporal.h"
#include "operators/common/stage_options.h"
#include "operators/mysql/binlog_stream_impl.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/compressed_event.h"
#include "operators/mysql/ddl_statement.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/plugin_types.h"
#include "operators/mysql/transaction_payload.h"

namespace sluice::operators::mysql {

// ---- events ----

result<void> BinlogStream::Impl::on_event(const uint8_t* data, size_t len) {
  bool sum = checksum && data[4] != FORMAT_DESCRIPTION_EVENT && len >= kEventHeaderSize;
  auto parsed =
      parse_event(data, len, sum && !(data[4] == ROTATE_EVENT && !crc_matches(data, len)));
  if (!parsed.ok()) return parsed.err();
  auto r = handle(*parsed);
  // Read up to here (its items are queued): a rotation's position belongs to the file it ends;
  // artificial events (position 0) are no position at all. A heartbeat says the server has
  // nothing more to send now: the binlog is read up to the present.
  if (r.ok() && !in_payload) {
    const bool heartbeat =
        parsed->type == HEARTBEAT_LOG_EVENT || parsed->type == 41;  // 41: MySQL's _V2
    const bool real = parsed->next_pos != 0 && !parsed->artificial();
    int64_t ts = heartbeat ? temporal::now_micros()
                           : (real ? static_cast<int64_t>(parsed->timestamp) * 1000000 : 0);
    if (parsed->next_pos != 0 && parsed->type != ROTATE_EVENT) {
      owner.queue_.advance(file, parsed->next_pos, ts);
    } else if (heartbeat) {
      owner.queue_.read_time(ts);
    }
  }
  return r;
}

result<void> BinlogStream::Impl::handle(const RawEvent& ev) {
  switch (ev.type) {
    case FORMAT_DESCRIPTION_EVENT:
      checksum = format_description_has_checksum(ev.body, ev.body_len);
      return {};
    case ROTATE_EVENT:
      on_rotate(ev);
      return {};
    case GTID_EVENT: {  // MariaDB
      uint8_t flags = 0;
      auto g = parse_maria_gtid(ev.body, ev.body_len, ev.server_id, flags);
      if (!g.ok()) return g.err();
      pending.kind = Pending::Kind::Maria;
      pending.maria = *g;
      gtid = std::to_string(g->domain) + "-" + std::to_string(g->server) + "-" +
             std::to_string(g->seq);
      in_txn = !(flags & FL_STANDALONE);
      start_txn(ev);
      // FL_PREPARED_XA: the group is an XA transaction's XA START ... XA PREPARE (MariaDB
      // writes no XA START statement); its rows wait for the outcome (on_xa).
      constexpr uint8_t kPreparedXa = 64;
      xa_open = (flags & kPreparedXa) != 0;
      xa_rows.clear();
      return {};
    }
    case GTID_LIST_EVENT: {  // MariaDB: the state at the start of a file
      auto list = parse_gtid_list(ev.body, ev.body_len);
      if (!list.ok()) return list.err();
      for (const auto& g : *list) gtids.merge_maria(g.domain, g.server, g.seq);
      return {};
    }
    case GTID_LOG_EVENT: {  // MySQL: flags(1) sid(16) gno(8)
      if (ev.body_len < 25) return error::fatal(errc::decode, "MySQL GTID event too short");
      uint64_t gno = 0;
      for (int i = 0; i < 8; ++i) gno |= static_cast<uint64_t>(ev.body[17 + i]) << (8 * i);
      pending.kind = Pending::Kind::MySql;
      pending.uuid = uuid_text(std::string_view(reinterpret_cast<const char*>(ev.body + 1), 16));
      pending.gno = gno;
      gtid = pending.uuid + ":" + std::to_string(gno);
      start_txn(ev);
      return {};
    }
    case XID_EVENT:
      commit(ev.next_pos);
      return {};
    case QUERY_EVENT:
      return on_query(ev);
    case TABLE_MAP_EVENT:
      return on_table_map(ev);
    case ANNOTATE_ROWS_EVENT:  // MariaDB: the statement of the rows events that follow
      if (cfg.include_query) statement.assign(reinterpret_cast<const char*>(ev.body), ev.body_len);
      return {};
    case ROWS_QUERY_LOG_EVENT:  // MySQL: a length byte (ignored), then the statement
      if (cfg.include_query && ev.body_len > 0) {
        statement.assign(reinterpret_cast<const char*>(ev.body) + 1, ev.body_len - 1);
      }
      return {};
    case kTransactionPayloadEvent:
      return on_payload(ev);
    case kXaPrepareEvent:
      return on_xa_prepare(ev);
    default:
      if (RowDecoder::is_rows_event(ev.type)) return on_rows(ev);
      if (is_maria_compressed_event(ev.type)) {
        auto plain = expand_maria_compressed(ev, expanded);
        if (!plain.ok()) return error::fatal(errc::decode, plain.err().message + " in " + file);
        owner.stats_.compressed_events++;
        return handle(*plain);
      }
      if (std::string why = refuse_unhandled_event(ev.type); !why.empty()) {
        return error::permanent(errc::decode,
                                why + " (at " + file + ":" + std::to_string(ev.next_pos) + ")");
      }
      return {};
  }
}

// MySQL binlog_transaction_compression: the inner events are handled as if they had come one by
// one, all ending where the payload event ends: a checkpoint is never inside the payload (a
// resume inside its transaction replays it and skips the rows already delivered).
result<void> BinlogStream::Impl::on_payload(const RawEvent& ev) {
  if (in_payload)
    return error::fatal(errc::decode,
                        "TRANSACTION_PAYLOAD_EVENT inside another one at " + where(ev));
  auto p = parse_transaction_payload(ev.body, ev.body_len);
  if (!p.ok()) return error::fatal(errc::decode, p.err().message + " (at " + where(ev) + ")");
  auto un = unpack_transaction_payload(*p, unpacked);
  if (!un.ok()) return error::fatal(errc::decode, un.err().message + " (at " + where(ev) + ")");
  auto inner = split_inner_events(unpacked);
  if (!inner.ok())
    return error::fatal(errc::decode, inner.err().message + " (at " + where(ev) + ")");
  in_payload = true;
  for (RawEvent& e : *inner) {
    e.next_pos = ev.next_pos;
    auto r = handle(e);
    if (!r.ok()) {
      in_payload = false;
      return r;
    }
  }
  in_payload = false;
  owner.stats_.compressed_transactions++;
  return {};
}

void BinlogStream::Impl::on_rotate(const RawEvent& ev) {
  auto r = parse_rotate(ev.body, ev.body_len);
  if (!r.ok()) return;
  bool moved = r->file != file;
  file = r->file;
  if (!moved) return;
  owner.stats_.rotations++;
  // Outside a transaction the checkpoint follows the rotation, so that files already read
  // can be purged. Not on a GTID resume (the dump starts inside the file, not at `position`)
  // nor while rows of a resumed transaction are still to be skipped.
  if (in_txn || rows_in_txn != 0 || skip != 0 || !committed.valid()) return;
  if (!binlog_file_less(committed.file, file)) return;
  push_commit(r->position);
}

void BinlogStream::Impl::commit(uint64_t next_pos) {
  in_txn = false;
  txn_thread = -1;
  txn_pos = -1;
  statement.clear();
  if (holding && !held.events.empty()) held.events.back().txn_last = true;
  if (next_pos == 0) return;
  if (pending.kind == Pending::Kind::Maria) {
    gtids.add_maria(pending.maria.domain, pending.maria.server, pending.maria.seq);
  } else if (pending.kind == Pending::Kind::MySql) {
    gtids.add_mysql(pending.uuid, pending.gno);
  }
  pending.kind = Pending::Kind::None;
  committed.gtid = gtids.text();
  rows_in_txn = 0;
  skip = 0;
  owner.stats_.transactions++;
  push_commit(next_pos);
}

void BinlogStream::Impl::push_commit(uint64_t pos) {
  committed.file = file;
  committed.pos = pos;
  committed.server = server_id;
  committed.server_uuid = server_uuid;
  StreamItem it;
  it.kind = StreamItem::Kind::Commit;
  it.position = committed;
  it.model = std::move(model_text);
  model_text.reset();
  it.xa = std::move(xa_text);
  xa_text.reset();
  push_item(std::move(it));
}

void BinlogStream::Impl::emit_truncate(const std::string& db, const std::string& table,
                                       const RawEvent& ev, bool last) {
  if (!filter.matches(db, table)) return;
  if (!catchup.empty() && caught_up(db, table, ev.next_pos)) return;
  if (skip > 0) {  // it counts as a row event for resuming inside the statement (skip_rows)
    --skip;
    ++rows_in_txn;
    return;
  }
  StreamItem it;
  Event& e = it.events.emplace_back();
  e.op = Op::Truncate;
  e.source = truncate_meta(db, table);
  e.ts = static_cast<int64_t>(ev.timestamp) * 1000000;
  e.position = position_value(ev.next_pos);
  e.origin = origin_of(ev);
  it.position.file = file;
  it.position.pos = ev.next_pos;
  ++rows_in_txn;
  owner.stats_.truncates++;
  e.txn_last = !in_txn && last;  // TRUNCATE TABLE commits on its own
  push_item(std::move(it));
}

result<void> BinlogStream::Impl::on_query(const RawEvent& ev) {
  const uint8_t* body = ev.body;
  size_t body_len = ev.body_len;
  if (body_len < 13) return {};
  size_t dblen = body[8];
  size_t status_len = static_cast<size_t>(body[11] | body[12] << 8);
  size_t off = 13 + status_len;
  if (off + dblen + 1 > body_len) return {};
  std::string db(reinterpret_cast<const char*>(body + off), dblen);
  off += dblen + 1;
  std::string sql(reinterpret_cast<const char*>(body + off), body_len - off);
  DdlStatement d = parse_ddl(sql, db);
  if (d.kind == DdlStatement::Kind::Xa) return on_xa(sql, ev);
  if (d.kind == DdlStatement::Kind::Begin) {
    in_txn = true;
    start_txn(ev);
    txn_thread = static_cast<int64_t>(ByteReader(body, body_len).le(4));  // slave_proxy_id
    return {};
  }
  if (d.kind == DdlStatement::Kind::Commit || d.kind == DdlStatement::Kind::Rollback) {
    commit(ev.next_pos);
    return {};
  }
  if (d.kind == DdlStatement::Kind::Dml) {
    on_statement_change(d, sql, ev);
  } else if (d.kind != DdlStatement::Kind::None) {
    auto r = on_ddl(d, sql, db, ev);
    if (!r.ok()) return r;
  }
  if (!in_txn) commit(ev.next_pos);
  return {};
}

// A change the server logged as its statement although binlog_format is ROW: a session that set
// its own binlog_format (STATEMENT or MIXED), or MariaDB's tables versioned by transaction id.
// No binlog reader can tell which rows it changed, so it is a dead letter (row: db, table,
// statement; counted in statement_changes), routed by the stage's on_error: by default the
// source stops naming it; with a dead_letter sink the stream goes on.
void BinlogStream::Impl::on_statement_change(const DdlStatement& d, const std::string& sql,
                                             const RawEvent& ev) {
  const auto& [db, table] = d.tables.at(0);
  if (!filter.matches(db, table)) return;
  if (!catchup.empty() && caught_up(db, table, ev.next_pos)) return;
  ++rows_in_txn;  // counted like a row for resuming inside the transaction (skip_rows)
  if (skip > 0) {
    --skip;
    return;
  }
  owner.stats_.statement_changes++;
  StreamItem it;
  Event& e = it.events.emplace_back();
  e.source = truncate_meta(db, table);
  e.row.append(intern("db"), Value::string(db));
  e.row.append(intern("table"), Value::string(table));
  e.row.append(intern("statement"), Value::string(sql));
  e.ts = static_cast<int64_t>(ev.timestamp) * 1000000;
  e.position = position_value(ev.next_pos);
  e.origin = origin_of(ev);
  e.txn_last = !in_txn;
  mark_dead(e, cfg.name, errc::statement_change,
            "a change of " + db + "." + table + " is in the binlog at " + file + ":" +
                std::to_string(ev.next_pos) + " as a statement, not as rows (" +
                sql.substr(0, 120) +
                "): no binlog reader can tell which rows it changed. The session that ran it "
                "had binlog_format STATEMENT or MIXED, or the table is versioned by "
                "transaction id. Run such changes with binlog_format=ROW (version the table by "
                "timestamp), then read the table again (signal_table or `sluice snapshot`)");
  it.position.file = file;
  it.position.pos = ev.next_pos;
  push_item(std::move(it));
}

// Rows a session logged with binlog_row_image MINIMAL or NOBLOB lack columns (RowDecoder::
// lacking): applied, a sink would write them as null. They are dead letters, kept as decoded.
void BinlogStream::Impl::mark_partial(const TableMap& tm, std::vector<Event>& evs) {
  if (evs.empty()) return;
  owner.stats_.partial_rows += evs.size();
  const Op op = evs.front().op;  // one rows event: one operation
  const std::string message =
      std::string(op == Op::Create   ? "an insert"
                  : op == Op::Delete ? "a delete"
                                     : "an update") +
      " of " + tm.full_name() + " at " + file + ": " + decoder.lacking() +
      " (the session that made it had binlog_row_image MINIMAL or NOBLOB); applied, those "
      "columns would be written as null. Set binlog_row_image=FULL for every session, then read "
      "the table again (signal_table or `sluice snapshot`)";
  for (auto& e : evs) mark_dead(e, cfg.name, errc::partial_row, message);
}

result<void> BinlogStream::Impl::on_table_map(const RawEvent& ev) {
  uint64_t id = RowDecoder::table_id(ev.body, ev.body_len);
  auto it = tables.find(id);
  std::string_view rawtm(reinterpret_cast<const char*>(ev.body), ev.body_len);
  if (it != tables.end() && it->second.raw == rawtm) return {};
  Entry e;
  e.raw = std::string(rawtm);
  auto map = build_map(e.raw);
  if (!map.ok()) return map.err();
  e.map = std::move(map).value();
  tables[id] = std::move(e);
  return {};
}

result<std::shared_ptr<TableMap>> BinlogStream::Impl::build_map(const std::string& raw) {
  auto tm = parse_table_map(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
  if (!tm.ok()) return tm.err();
  std::shared_ptr<TableMap> out;
  if (filter.matches(tm->db, tm->table)) {
    auto ap = schema.apply(*tm, !tm->has_names);
    if (!ap.ok()) return ap.err();
    if (tm->primary_key.empty()) {
      const auto& key = cfg.key.columns(tm->db, tm->table);
      for (const auto& k : key) {
        for (size_t i = 0; i < tm->columns.size(); ++i) {
          if (tm->columns[i].name == k) tm->primary_key.push_back(i);
        }
      }
      if (tm->primary_key.size() != key.size()) {
        std::string names;
        for (const auto& k : key) names += (names.empty() ? "" : ", ") + k;
        return error::permanent(errc::schema,
                                "table " + tm->full_name() + ": a column of `key` [" + names +
                                    "] is not in the table; fix `key` on source " + cfg.name);
      }
      if (key.empty() && keyless_logged.insert(tm->full_name()).second) {
        log::info("mysql", cfg.name + ": table " + tm->full_name() +
                               " has no primary key: its events carry no key (like Debezium); "
                               "set `key` on the source to give it one");
      }
    }
    tm->finish(cfg.name);
    out = std::make_shared<TableMap>(std::move(tm).value());
  }
  return out;
}

result<void> BinlogStream::Impl::on_rows(const RawEvent& ev) {
  uint64_t id = RowDecoder::table_id(ev.body, ev.body_len);
  auto it = tables.find(id);
  if (it == tables.end()) {
    return error::fatal(errc::decode, "rows event for an unknown table id " + std::to_string(id) +
                                          " at " + file + ":" + std::to_string(ev.next_pos));
  }
  if (!it->second.map) return {};
  if (xa_open) {  // the outcome comes later (binlog_stream_xa.cpp)
    xa_rows.push_back({it->second.raw, ev.type,
                       std::string(reinterpret_cast<const char*>(ev.body), ev.body_len)});
    return {};
  }
  return emit_rows(it->second.map, ev.type, ev.body, ev.body_len, ev);
}

result<void> BinlogStream::Impl::emit_rows(const std::shared_ptr<TableMap>& map, uint8_t type,
                                           const uint8_t* body, size_t len, const RawEvent& ev) {
  if (!catchup.empty() && caught_up(map->db, map->table, ev.next_pos)) return {};
  StreamItem block;
  std::vector<Event>& evs = block.events;
  auto n = decoder.decode(type, body, len, *map, evs);
  if (!n.ok()) return n.err();
  owner.stats_.zero_dates = decoder.stats().zero_dates;
  owner.stats_.history_rows = decoder.stats().history_rows;
  if (!decoder.lacking().empty()) mark_partial(*map, evs);
  size_t k = 0;  // rows of this event delivered before a restart: dropped
  if (skip > 0) {
    k = std::min<uint64_t>(skip, evs.size());
    evs.erase(evs.begin(), evs.begin() + static_cast<long>(k));
    skip -= k;
    rows_in_txn += k;
  }
  if (evs.empty()) return {};
  Value posv = position_value(ev.next_pos);
  std::shared_ptr<const LogOrigin> origin = origin_of(ev);
  int64_t ets = static_cast<int64_t>(ev.timestamp) * 1000000;
  for (size_t i = 0; i < evs.size(); ++i) {
    Event& e = evs[i];
    e.ts = ets;
    e.position = posv;
    e.origin = origin;
    e.origin_row = static_cast<uint32_t>(k + i);
  }
  rows_in_txn += evs.size();
  owner.stats_.row_events += evs.size();
  block.position.file = file;
  block.position.pos = ev.next_pos;
  hold(std::move(block));
  return {};
}

}  // namespace sluice::operators::mysql
