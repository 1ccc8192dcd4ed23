#include "operators/mysql/gtid_state.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <class T>
bool number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(sep, i);
    out.push_back(s.substr(i, j == std::string_view::npos ? s.size() - i : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

error bad(std::string_view text, const std::string& why) {
  return error::fatal(
      errc::state, "GTID state \"" + std::string(text) + "\": " + why +
                       " (expected MariaDB \"domain-server-seq,...\" or MySQL \"uuid:1-5,...\")");
}

}  // namespace

result<GtidState> GtidState::parse(std::string_view text) {
  GtidState st;
  for (std::string_view part : split(text, ',')) {
    part = trim(part);
    if (part.empty()) continue;
    if (part.find(':') != std::string_view::npos) {  // MySQL uuid:ranges
      auto fields = split(part, ':');
      std::string uuid(trim(fields[0]));
      if (uuid.size() != 36) return bad(text, "\"" + uuid + "\" is not a server uuid");
      auto& ranges = st.mysql_[uuid];
      for (size_t i = 1; i < fields.size(); ++i) {
        auto ab = split(trim(fields[i]), '-');
        uint64_t a = 0, b = 0;
        if (ab.size() > 2 || !number(ab[0], a) || (ab.size() == 2 && !number(ab[1], b))) {
          return bad(text, "bad range \"" + std::string(fields[i]) + "\"");
        }
        ranges.emplace_back(a, ab.size() == 2 ? b : a);
      }
      normalize(ranges);
      continue;
    }
    auto dsn = split(part, '-');
    uint32_t d = 0, s = 0;
    uint64_t n = 0;
    if (dsn.size() != 3 || !number(dsn[0], d) || !number(dsn[1], s) || !number(dsn[2], n)) {
      return bad(text, "bad GTID \"" + std::string(part) + "\"");
    }
    st.maria_[d] = Last{s, n};
  }
  if (!st.maria_.empty() && !st.mysql_.empty()) return bad(text, "mixes MariaDB and MySQL GTIDs");
  return st;
}

void GtidState::add_maria(uint32_t domain, uint32_t server, uint64_t seq) {
  maria_[domain] = Last{server, seq};
}

void GtidState::merge_maria(uint32_t domain, uint32_t server, uint64_t seq) {
  maria_.try_emplace(domain, Last{server, seq});
}

void GtidState::add_mysql(const std::string& uuid, uint64_t gno) {
  auto& ranges = mysql_[uuid];
  if (!ranges.empty() && ranges.back().second + 1 == gno) {
    ranges.back().second = gno;
    return;
  }
  ranges.emplace_back(gno, gno);
  normalize(ranges);
}

void GtidState::normalize(std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, r.second);
    } else {
      out.push_back(r);
    }
  }
  ranges.swap(out);
}

std::string GtidState::text() const {
  std::string out;
  for (const auto& [d, last] : maria_) {
    if (!out.empty()) out += ',';
    out += std::to_string(d) + '-' + std::to_string(last.server) + '-' + std::to_string(last.seq);
  }
  for (const auto& [uuid, ranges] : mysql_) {
    if (!out.empty()) out += ',';
    out += uuid;
    for (const auto& [a, b] : ranges) {
      out += ':' + std::to_string(a);
      if (b != a) out += '-' + std::to_string(b);
    }
  }
  return out;
}

}  // namespace sluice::operators::mysql
