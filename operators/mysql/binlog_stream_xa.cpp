// BinlogStream's XA transactions (binlog_stream_impl.h). A two-phase XA transaction is two
// groups in the binlog: XA START (MariaDB: a flag of its GTID event; MySQL: a statement), its
// rows, XA END and XA_PREPARE_LOG_EVENT; later, in a group of its own, XA COMMIT or XA
// ROLLBACK of its xid, with other transactions in between. Its rows are passed on at its
// commit, as a transaction there, and never if it rolls back; until then they wait as the
// rows events the binlog holds, in the checkpoint too (a restart between the two groups reads
// from after the prepare). A one-phase commit (MySQL writes XA COMMIT ... ONE PHASE after XA
// END; MariaDB a plain transaction) passes them on at once.
#include <cctype>

#include "base/hex_text.h"
#include "base/logger.h"
#include "operators/mysql/binlog_stream_impl.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {
namespace {

// The xid as the server writes it in XA statements, "X'61',X'',1", upper-cased.
std::string xid_key(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ';' || std::isspace(static_cast<unsigned char>(c))) break;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

result<void> BinlogStream::Impl::on_xa(const std::string& sql, const RawEvent& ev) {
  size_t i = 3;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]))) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  }
  if (word == "START" || word == "BEGIN") {
    in_txn = true;
    start_txn(ev);
    txn_thread = static_cast<int64_t>(ByteReader(ev.body, ev.body_len).le(4));
    xa_open = true;
    xa_rows.clear();
    return {};
  }
  if (word != "COMMIT" && word != "ROLLBACK") return {};  // XA END: the prepare follows
  const bool commit_it = word == "COMMIT";
  if (xa_open) {  // MySQL: the outcome right after XA END (XA COMMIT ... ONE PHASE)
    return finish_xa(take_open_xa(), commit_it, ev);
  }
  while (i < sql.size() && sql[i] == ' ') ++i;
  auto it = xa_prepared.find(xid_key(std::string_view(sql).substr(i)));
  if (it == xa_prepared.end()) {
    if (commit_it) {
      log::warn("mysql", cfg.name + ": " + sql.substr(0, 120) + " at " + file + ":" +
                             std::to_string(ev.next_pos) +
                             " ends an XA transaction prepared before the position the stream "
                             "started at, or one that changed no captured table: if it changed "
                             "captured tables, read them again (signal_table or `sluice "
                             "snapshot`)");
    }
    commit(ev.next_pos);
    return {};
  }
  auto rows = std::move(it->second);
  xa_prepared.erase(it);
  note_xa_change();
  return finish_xa(rows, commit_it, ev);
}

result<void> BinlogStream::Impl::on_xa_prepare(const RawEvent& ev) {
  auto x = parse_xa_prepare(ev.body, ev.body_len);
  if (!x.ok()) {
    return error::fatal(errc::decode,
                        x.err().message + " at " + file + ":" + std::to_string(ev.next_pos));
  }
  auto rows = take_open_xa();
  if (!x->one_phase && !rows.empty()) {
    xa_prepared[x->xid] = std::move(rows);
    rows.clear();
    note_xa_change();
  }
  return finish_xa(rows, x->one_phase, ev);
}

std::vector<BinlogStream::Impl::XaRows> BinlogStream::Impl::take_open_xa() {
  xa_open = false;
  std::vector<XaRows> rows;
  rows.swap(xa_rows);
  return rows;
}

// The end of an XA transaction's rows: passed on (its commit) or not, then its group's commit.
result<void> BinlogStream::Impl::finish_xa(const std::vector<XaRows>& rows, bool pass_on,
                                           const RawEvent& ev) {
  if (pass_on) {
    auto r = release_xa(rows, ev);
    if (!r.ok()) return r;
  }
  commit(ev.next_pos);
  return {};
}

result<void> BinlogStream::Impl::release_xa(const std::vector<XaRows>& rows, const RawEvent& at) {
  std::map<std::string, std::shared_ptr<TableMap>> maps;  // by TABLE_MAP body
  for (const auto& x : rows) {
    auto found = maps.find(x.table_map);
    if (found == maps.end()) {
      auto m = build_map(x.table_map);
      if (!m.ok()) return m.err();
      found = maps.emplace(x.table_map, std::move(m).value()).first;
    }
    if (!found->second) continue;  // a table no longer captured
    auto e = emit_rows(found->second, x.type, reinterpret_cast<const uint8_t*>(x.rows.data()),
                       x.rows.size(), at);
    if (!e.ok()) return e;
  }
  return {};
}

void BinlogStream::Impl::note_xa_change() {
  xa_text = std::make_shared<const std::string>(encode_xa());
}

// xid|map:rows,map:rows;xid|... with each TABLE_MAP body and each rows event (its type byte,
// then its body) in hexadecimal.
std::string BinlogStream::Impl::encode_xa() const {
  std::string out;
  for (const auto& [xid, rows] : xa_prepared) {
    if (!out.empty()) out += ';';
    out += xid + '|';
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) out += ',';
      out += hex_text(rows[i].table_map) + ':' +
             hex_text(std::string(1, static_cast<char>(rows[i].type))) + hex_text(rows[i].rows);
    }
  }
  return out;
}

result<void> BinlogStream::Impl::decode_xa(const std::string& text) {
  xa_prepared.clear();
  auto bad = [&]() {
    return error::fatal(errc::state, "mysql source state: bad prepared XA transactions");
  };
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(';', at);
    if (end == std::string::npos) end = text.size();
    const std::string_view entry = std::string_view(text).substr(at, end - at);
    at = end + 1;
    const size_t bar = entry.find('|');
    if (bar == std::string_view::npos || bar == 0) return bad();
    auto& rows = xa_prepared[std::string(entry.substr(0, bar))];
    size_t i = bar + 1;
    while (i < entry.size()) {
      size_t comma = entry.find(',', i);
      if (comma == std::string_view::npos) comma = entry.size();
      const std::string_view item = entry.substr(i, comma - i);
      i = comma + 1;
      const size_t colon = item.find(':');
      if (colon == std::string_view::npos || item.size() < colon + 3) return bad();
      XaRows x;
      x.table_map = hex_bytes(item.substr(0, colon));
      const std::string rest = hex_bytes(item.substr(colon + 1));
      x.type = static_cast<uint8_t>(rest[0]);
      x.rows = rest.substr(1);
      if (!RowDecoder::is_rows_event(x.type)) return bad();
      rows.push_back(std::move(x));
    }
  }
  return {};
}

}  // namespace sluice::operators::mysql
