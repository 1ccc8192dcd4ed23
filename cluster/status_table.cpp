#include "cluster/status_table.h"

#include <cstdio>

namespace sluice::cluster {
namespace {

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

std::string human(int64_t n) {
  char buf[32];
  if (n >= 10'000'000) {
    std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(n) / 1e6);
  } else if (n >= 100'000) {
    std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  }
  return buf;
}

// The columns of a pipeline instance's line after its name and version.
struct Columns {
  std::string own = "-", state = "unassigned", lag = "-", read = "-", written = "-", errors = "-",
              checkpoint = "-";
};

void fill_running(const StatusRow& st, int64_t version, Columns& c) {
  c.state = st.state;
  if (st.version != version && c.state != "failed") c.state = "reloading";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", st.lag_seconds);
  c.lag = buf;
  c.read = human(st.records_read);
  c.written = human(st.records_written);
  c.errors = human(st.errors);
  if (st.last_checkpoint > 0) {
    c.checkpoint = "#" + std::to_string(st.last_checkpoint);
    if (st.checkpoint_age_seconds >= 0) {
      c.checkpoint += " (" + fmt_seconds(st.checkpoint_age_seconds) + " ago)";
    }
  }
}

}  // namespace

StatusTable::StatusTable(const std::vector<NodeRow>& nodes,
                         const std::vector<AssignmentRow>& assignments,
                         const std::vector<StatusRow>& statuses)
    : nodes_(nodes) {
  for (const auto& a : assignments) owner_[a.pipeline] = a;
  for (const auto& s : statuses) status_[s.pipeline] = s;
  for (const auto& n : nodes) {
    if (n.live) live_.insert(n.id);
  }
  for (const auto& a : assignments) {
    if (!a.node.empty()) ++load_[a.node];
  }
}

std::string StatusTable::format(const std::vector<PipelineRow>& pipelines, int& code) const {
  std::string out = node_lines();
  out += "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %7s %-22s %-10s %7s %9s %9s %6s  %s\n", "PIPELINE",
                "VERSION", "OWNER", "STATE", "LAG", "READ", "WRITTEN", "ERRORS", "CHECKPOINT");
  out += line;
  code = 0;
  std::string reasons;
  for (const auto& pr : pipelines) {
    for (const auto& key : instance_keys(pr)) {
      PipelineRow p = pr;
      p.name = key;
      out += pipeline_line(p, code, reasons);
    }
  }
  if (!reasons.empty()) out += "\nerrors:\n" + reasons;
  return out;
}

std::string StatusTable::node_lines() const {
  char line[512];
  std::string out;
  std::snprintf(line, sizeof line, "%-22s %-6s %9s %9s  %s\n", "NODE", "STATE", "LAST SEEN",
                "PIPELINES", "ROLE");
  out += line;
  for (const auto& n : nodes_) {
    auto l = load_.find(n.id);
    std::snprintf(line, sizeof line, "%-22s %-6s %9s %9d  %s\n", n.id.c_str(),
                  n.live ? "live" : "dead", (fmt_seconds(n.age_seconds) + " ago").c_str(),
                  l == load_.end() ? 0 : l->second, n.coordinator ? "coordinator" : "");
    out += line;
  }
  return out;
}

std::string StatusTable::pipeline_line(const PipelineRow& p, int& code,
                                       std::string& reasons) const {
  Columns c;
  auto a = owner_.find(p.name);
  if (a != owner_.end() && !a->second.node.empty()) {
    c.own = a->second.node;
    const bool live = live_.count(c.own) != 0;
    c.state = live ? "starting" : "owner dead";
    if (!a->second.move_to.empty()) c.state = "moving";
    auto s = status_.find(p.name);
    if (s != status_.end() && s->second.node == c.own && live && a->second.move_to.empty()) {
      fill_running(s->second, p.version, c);
      if (s->second.state == "failed") code = 3;
      if (!s->second.reason.empty()) reasons += "  " + p.name + ": " + s->second.reason + "\n";
    }
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %7lld %-22s %-10s %7s %9s %9s %6s  %s\n", p.name.c_str(),
                static_cast<long long>(p.version), c.own.c_str(), c.state.c_str(), c.lag.c_str(),
                c.read.c_str(), c.written.c_str(), c.errors.c_str(), c.checkpoint.c_str());
  return line;
}

}  // namespace sluice::cluster
