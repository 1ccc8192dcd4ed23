#include "operators/mysql/source_state.h"

#include <charconv>
#include <sstream>
#include <string_view>

#include "base/hex_text.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

// A whole decimal number of type T ("" or anything more is not).
template <class T>
bool state_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string> split_fields(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(sep, i);
    out.push_back(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) return out;
    i = j + 1;
  }
}

}  // namespace

std::string SourceState::encode() const {
  std::string s = "v=1\nphase=";
  s += phase == Phase::Snapshot ? "snapshot" : phase == Phase::Stream ? "stream" : "done";
  s += "\nfile=" + position.file + "\npos=" + std::to_string(position.pos) +
       "\ngtid=" + position.gtid + "\nskip=" + std::to_string(position.skip_rows) + "\n";
  if (position.server != 0) s += "server=" + std::to_string(position.server) + "\n";
  if (!position.server_uuid.empty()) s += "server_uuid=" + position.server_uuid + "\n";
  if (phase == Phase::Snapshot) {
    s += "table=" + table + "\n";
    std::string k;
    for (size_t i = 0; i < last_key.size(); ++i) k += (i ? "," : "") + hex_text(last_key[i]);
    s += "key=" + k + "\n";
    s += "keyn=" + std::to_string(last_key.size()) + "\n";
    for (auto& d : done_tables) s += "done=" + d + "\n";
    for (auto& o : only) s += "only=" + o + "\n";
    if (stream_from.valid() || !stream_from.gtid.empty()) {
      s += "from_file=" + stream_from.file + "\nfrom_pos=" + std::to_string(stream_from.pos) +
           "\nfrom_gtid=" + stream_from.gtid +
           "\nfrom_skip=" + std::to_string(stream_from.skip_rows) + "\n";
    }
  }
  for (auto& f : filters) s += "filter=" + f + "\n";
  for (const auto& r : reading) {  // reading=KEYN|HEX,HEX|HEXFILTER|db.table
    s += "reading=" + std::to_string(r.last_key.size()) + "|";
    for (size_t i = 0; i < r.last_key.size(); ++i) s += (i ? "," : "") + hex_text(r.last_key[i]);
    s += "|" + hex_text(r.filter) + "|" + r.table + "\n";
  }
  for (auto& [t, p] : catchup) {
    s += "catchup=" + t + "|" + p.file + "|" + std::to_string(p.pos) + "\n";
  }
  if (schema_model && !schema_model->empty()) s += "model=" + *schema_model + "\n";
  if (xa_prepared && !xa_prepared->empty()) s += "xa=" + *xa_prepared + "\n";
  return s;
}

result<SourceState> SourceState::decode(const std::string& text) {
  auto bad = [](const std::string& line) {
    return error::fatal(errc::state, "mysql source state: bad line '" + line + "'");
  };
  SourceState st;
  std::istringstream in(text);
  std::string line, key;
  size_t keyn = 0;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "phase") {
      if (v == "snapshot")
        st.phase = Phase::Snapshot;
      else if (v == "stream")
        st.phase = Phase::Stream;
      else if (v == "done")
        st.phase = Phase::Done;
      else
        return error::fatal(errc::state, "mysql source state: unknown phase " + v);
    } else if (k == "file") {
      st.position.file = v;
    } else if (k == "pos") {
      if (!state_number(v, st.position.pos)) return bad(line);
    } else if (k == "gtid") {
      st.position.gtid = v;
    } else if (k == "skip") {
      if (!state_number(v, st.position.skip_rows)) return bad(line);
    } else if (k == "server") {
      if (!state_number(v, st.position.server)) return bad(line);
    } else if (k == "server_uuid") {
      st.position.server_uuid = v;
    } else if (k == "table") {
      st.table = v;
    } else if (k == "key") {
      key = v;
    } else if (k == "keyn") {
      if (!state_number(v, keyn)) return bad(line);
    } else if (k == "done") {
      st.done_tables.push_back(v);
    } else if (k == "only") {
      st.only.push_back(v);
    } else if (k == "from_file") {
      st.stream_from.file = v;
    } else if (k == "from_pos") {
      if (!state_number(v, st.stream_from.pos)) return bad(line);
    } else if (k == "from_gtid") {
      st.stream_from.gtid = v;
    } else if (k == "from_skip") {
      if (!state_number(v, st.stream_from.skip_rows)) return bad(line);
    } else if (k == "filter") {
      st.filters.push_back(v);
    } else if (k == "reading") {
      size_t a = v.find('|'), b = a == std::string::npos ? a : v.find('|', a + 1);
      size_t c = b == std::string::npos ? b : v.find('|', b + 1);
      size_t n = 0;
      if (c == std::string::npos || !state_number(std::string_view(v).substr(0, a), n))
        return bad(line);
      Reading r;
      r.filter = hex_bytes(v.substr(b + 1, c - b - 1));
      r.table = v.substr(c + 1);
      if (n > 0) {
        for (const auto& part : split_fields(v.substr(a + 1, b - a - 1), ',')) {
          r.last_key.push_back(hex_bytes(part));
        }
      }
      if (r.last_key.size() != n || r.table.empty()) return bad(line);
      st.reading.push_back(std::move(r));
    } else if (k == "catchup") {
      size_t a = v.find('|'), b = v.rfind('|');
      BinlogPosition p;
      if (a == std::string::npos || a == b ||
          !state_number(std::string_view(v).substr(b + 1), p.pos))
        return error::fatal(errc::state, "mysql source state: bad catchup " + v);
      p.file = v.substr(a + 1, b - a - 1);
      st.catchup.emplace_back(v.substr(0, a), p);
    } else if (k == "model") {
      st.schema_model = std::make_shared<const std::string>(std::move(v));
    } else if (k == "xa") {
      st.xa_prepared = std::make_shared<const std::string>(std::move(v));
    }
  }
  if (keyn > 0) {
    std::vector<std::string> parts = split_fields(key, ',');
    if (parts.size() != keyn) {
      return error::fatal(errc::state, "mysql source state: key has " +
                                           std::to_string(parts.size()) + " columns, keyn says " +
                                           std::to_string(keyn));
    }
    for (const auto& part : parts) st.last_key.push_back(hex_bytes(part));
  }
  return st;
}

}  // namespace sluice::operators::mysql
