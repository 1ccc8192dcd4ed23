// Snapshots on demand (docs/mysql.md, "Snapshots on demand"): a row in the signal table
// (Debezium's execute-snapshot / stop-snapshot signals) or a management API command re-reads
// tables with the lock-free chunked snapshot while the stream goes on.
#include <algorithm>

#include "base/json.h"
#include "base/logger.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/mysql_source.h"

namespace sluice::operators::mysql {

namespace {

const Value* member(const Value& v, const char* name) {
  return v.type() == Type::Object ? v.as_object().find(intern(name)) : nullptr;
}

// Debezium's additional conditions: [{"data-collection": "db.t", "filter": "SQL"}], or the
// older single "additional-condition" for every table.
std::map<std::string, std::string> conditions_of(const Value& data) {
  std::map<std::string, std::string> out;
  if (const Value* one = member(data, "additional-condition")) {
    if (one->type() == Type::String && !one->as_string().empty()) out["*"] = one->as_string();
  }
  const Value* list = member(data, "additional-conditions");
  if (list == nullptr || list->type() != Type::List) return out;
  for (const auto& c : list->as_list()) {
    const Value* t = member(c, "data-collection");
    const Value* f = member(c, "filter");
    if (t && f && t->type() == Type::String && f->type() == Type::String) {
      out[t->as_string()] = f->as_string();
    }
  }
  return out;
}

}  // namespace

result<std::string> MySqlSource::command(const std::string& name, const Value& args) {
  std::vector<std::string> tables = strings_of(member(args, "tables"));
  std::map<std::string, std::string> filters;
  if (const Value* f = member(args, "filters"); f && f->type() == Type::Object) {
    for (const auto& x : f->as_object().fields()) filters[sym_name(x.name)] = x.value.to_display();
  }
  if (name == "snapshot") return request_snapshot(tables, filters);
  if (name == "stop-snapshot") return stop_snapshot(tables);
  return error::permanent(errc::config, "source mysql " + cfg_.name + " takes 'snapshot' and " +
                                            "'stop-snapshot', not '" + name + "'");
}

result<std::string> MySqlSource::request_snapshot(
    const std::vector<std::string>& patterns, const std::map<std::string, std::string>& filters) {
  if (cfg_.snapshot_method != SnapshotMethod::LockFree) {
    return error::permanent(errc::config,
                            "snapshots on demand need snapshot { method = "
                            "lock_free } on source " +
                                cfg_.name);
  }
  if (!stream_) {
    return error::transient(errc::snapshot, "source " + cfg_.name +
                                                " is not streaming yet (its consistent snapshot "
                                                "runs): ask again once it streams");
  }
  if (patterns.empty()) return error::permanent(errc::config, "name the tables to read");
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (!r.ok()) return r.err();
  auto reports = reports_view_position(c);
  if (!reports.ok()) return reports.err();
  auto windowed = this->windowed();
  if (!windowed.ok()) return windowed.err();
  if (!*reports && !*windowed) {
    return error::permanent(errc::snapshot,
                            "this server does not report a consistent view's binlog position "
                            "(MySQL): snapshots on demand need watermark rows in a signal_table "
                            "on source " +
                                cfg_.name);
  }
  auto tables = captured_tables(&c);
  if (!tables.ok()) return tables.err();
  std::vector<ChunkedSnapshot::Table> work;
  std::string read, skipped;
  for (const auto& p : patterns) {
    const TableFilter pattern(cfg_.database, {p});
    bool matched = false;
    for (const auto& t : *tables) {
      if (!pattern.matches(t.db, t.table)) continue;
      const std::string name = t.db + "." + t.table;
      matched = true;
      bool reading = false;
      for (const auto& rd : state_.reading) reading |= rd.table == name;
      for (const auto& w : work) reading |= w.table.db + "." + w.table.table == name;
      if (reading) {
        skipped += (skipped.empty() ? "" : ", ") + name;
        continue;
      }
      ChunkedSnapshot::Table w{t, {}};
      for (const auto& key : {name, p, std::string("*")}) {
        auto f = filters.find(key);
        if (f != filters.end() && w.table.filter.empty()) w.table.filter = f->second;
      }
      state_.reading.push_back({name, {}, w.table.filter});
      read += (read.empty() ? "" : ", ") + name + " (~" + std::to_string(t.estimated_rows) +
              " rows" + (w.table.filter.empty() ? "" : " where " + w.table.filter) + ")";
      if (w.table.filter.empty()) {
        estimated_rows_ += t.estimated_rows;
      } else {
        w.table.estimated_rows = 0;  // a filter reads an unknown part
      }
      work.push_back(std::move(w));
    }
    if (!matched) {
      std::string captured;
      const TableFilter captures = cfg_.filter();
      for (const auto& x : captures.patterns()) captured += (captured.empty() ? "" : ", ") + x;
      return error::permanent(errc::config, "'" + p + "' matches no table source " + cfg_.name +
                                                " captures (tables: " + captured + ")");
    }
  }
  if (!work.empty()) {
    if (chunked_) {
      chunked_->add(std::move(work));
    } else {
      estimated_rows_ = 0;
      for (const auto& w : work) estimated_rows_ += w.table.estimated_rows;
      snapshot_started_ = last_progress_ = std::chrono::steady_clock::now();
      chunked_ = std::make_unique<ChunkedSnapshot>(cfg_, std::move(work), state_.position,
                                                   cfg_.parallelism, *windowed);
      chunked_->start();
    }
  }
  std::string msg = read.empty() ? "nothing new to read" : "reading " + read + " while streaming";
  if (!skipped.empty()) msg += "; already being read: " + skipped;
  log::info("mysql", cfg_.name + ": snapshot on demand: " + msg);
  return msg;
}

result<std::string> MySqlSource::stop_snapshot(const std::vector<std::string>& patterns) {
  std::string stopped, kept;
  const TableFilter wanted(cfg_.database, patterns);  // patterns qualified as `tables` are
  std::erase_if(state_.reading, [&](const SourceState::Reading& rd) {
    bool hit = patterns.empty();
    for (const auto& p : wanted.patterns()) hit |= wildcard_match(p, rd.table);
    if (!hit) return false;
    if (chunked_ && !chunked_->cancel(rd.table)) {
      kept += (kept.empty() ? "" : ", ") + rd.table;
      return false;
    }
    stopped += (stopped.empty() ? "" : ", ") + rd.table;
    return true;
  });
  std::string msg = stopped.empty() ? "no table was being read" : "stopped reading " + stopped;
  if (!kept.empty()) {
    msg +=
        "; " + kept + " (no key) read on to the end: its changes during the read are in its rows";
  }
  log::info("mysql", cfg_.name + ": " + msg);
  return msg;
}

void MySqlSource::reread_tables() {
  const auto tables = stream_->take_rereads();
  if (tables.empty()) return;
  std::vector<std::string> patterns;  // quoted: a name with a dot is one name (TableFilter)
  for (const auto& [db, table] : tables) {
    const std::string t = db + "." + table;
    patterns.push_back(quote_ident(db) + "." + quote_ident(table));
    std::erase_if(state_.reading, [&](const SourceState::Reading& rd) {
      if (rd.table != t) return false;
      if (chunked_ && !chunked_->cancel(rd.table)) {
        log::warn("mysql", cfg_.name + ": " + t +
                               " (no key) is being read and cannot start over: read it again "
                               "when its read ends (`sluice snapshot`), or rows it had "
                               "delivered before its truncate are missing in the target");
        return false;
      }
      return true;
    });
  }
  auto r = request_snapshot(patterns, {});
  if (!r.ok()) {
    log::warn("mysql",
              cfg_.name +
                  ": reading again what a DDL statement changed without row events failed (" +
                  r.err().message + "): the target lacks rows of " + tables.front().first + "." +
                  tables.front().second + (tables.size() > 1 ? " and others" : "") +
                  "; read them again with `sluice snapshot`");
  }
}

void MySqlSource::take_signals(std::vector<Event>& out, size_t from) {
  if (cfg_.signal_table.empty()) return;
  auto is_signal = [&](const Event& e) {
    return e.source && is_signal_table(e.source->db, e.source->table);
  };
  if (std::none_of(out.begin() + static_cast<long>(from), out.end(), is_signal)) return;
  std::vector<Event> kept;
  kept.reserve(out.size() - from);
  for (size_t i = from; i < out.size(); ++i) {
    if (!is_signal(out[i])) {
      kept.push_back(std::move(out[i]));
    } else if (out[i].op == Op::Create) {
      signal(out[i]);
    }
  }
  out.resize(from);
  std::move(kept.begin(), kept.end(), std::back_inserter(out));
}

void MySqlSource::signal(const Event& e) {
  const Value* id = e.row.find(intern("id"));
  const Value* type = e.row.find(intern("type"));
  const Value* data = e.row.find(intern("data"));
  const std::string what = "signal " + (id ? id->to_display() : std::string("?"));
  const std::string kind = type ? type->to_display() : "";
  if (kind.rfind("snapshot-window-", 0) == 0) return;  // watermark rows (chunked_window.cpp)
  if (kind != "execute-snapshot" && kind != "stop-snapshot") {
    log::info("mysql", cfg_.name + ": " + what + " of type '" + kind + "' ignored (Sluice acts " +
                           "on execute-snapshot and stop-snapshot)");
    return;
  }
  Value d = Value::object(Object());
  if (data && data->type() == Type::String && !data->as_string().empty()) {
    auto parsed = json::parse(data->as_string());
    if (!parsed.ok() || parsed->type() != Type::Object) {
      log::warn("mysql", cfg_.name + ": " + what +
                             ": data is not a JSON object: " + data->as_string().substr(0, 200));
      return;
    }
    d = std::move(parsed).value();
  }
  const std::vector<std::string> tables = strings_of(member(d, "data-collections"));
  if (const Value* t = member(d, "type"); t && t->type() == Type::String &&
                                          t->as_string() != "incremental" &&
                                          t->as_string() != "INCREMENTAL") {
    log::warn("mysql", cfg_.name + ": " + what + ": snapshot type '" + t->as_string() +
                           "' is read as incremental (Sluice reads while streaming)");
  }
  auto r =
      kind == "stop-snapshot" ? stop_snapshot(tables) : request_snapshot(tables, conditions_of(d));
  if (!r.ok()) log::warn("mysql", cfg_.name + ": " + what + " refused: " + r.err().message);
}

}  // namespace sluice::operators::mysql
