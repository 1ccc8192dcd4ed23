#include "runtime/progress_reporter.h"

#include <algorithm>
#include <chrono>

#include "base/logger.h"
#include "engine/actors/clock.h"

namespace sluice::runtime {

ProgressReporter::ProgressReporter(std::shared_ptr<engine::LiveRegistry> live, std::FILE* out,
                                   bool tty, int64_t interval_us)
    : live_(std::move(live)), out_(out), tty_(tty), interval_us_(interval_us) {}

ProgressReporter::~ProgressReporter() { stop(); }

void ProgressReporter::start() {
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void ProgressReporter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

namespace {

// "; tables: db.a 12.0% of 1500000, db.b 0.0% of 200" (the first four being read); on the
// bar only the first: " db.a 12.0% +1".
std::string tables_text(const std::vector<TableProgress>& tables, bool bar) {
  std::string out;
  if (bar && !tables.empty()) {
    const auto& t = tables.front();
    char buf[32];
    std::snprintf(
        buf, sizeof buf, " %.1f%%",
        t.total > 0 ? 100.0 * static_cast<double>(t.done) / static_cast<double>(t.total) : 100.0);
    out = " " + t.table + buf;
    if (tables.size() > 1) out += " +" + std::to_string(tables.size() - 1);
    return out;
  }
  if (bar) return out;
  for (size_t i = 0; i < tables.size() && i < 4; ++i) {
    const auto& t = tables[i];
    char buf[64];
    std::snprintf(
        buf, sizeof buf, " %.1f%% of %lld",
        t.total > 0 ? 100.0 * static_cast<double>(t.done) / static_cast<double>(t.total) : 100.0,
        static_cast<long long>(t.total));
    out += (i ? ", " : "; tables: ") + t.table + buf;
  }
  if (tables.size() > 4) out += ", +" + std::to_string(tables.size() - 4) + " more";
  return out;
}

}  // namespace

std::string ProgressReporter::line(bool bar, double elapsed_s,
                                   std::set<std::string>* reported) const {
  std::string text;
  for (const auto& p : live_->pipelines()) {
    for (const auto& s : p->stages) {
      if (s.type != "source") continue;
      const int64_t total = s.counters->progress_total.load(std::memory_order_relaxed);
      if (total < 0) continue;
      const int64_t done = s.counters->progress_done.load(std::memory_order_relaxed);
      if (reported && done >= total) {
        if (!reported->insert(p->name + "/" + s.name).second) continue;  // complete: shown once
      }
      const double frac =
          total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
      const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
      char buf[256];
      if (!text.empty()) text += bar ? "  " : "\n";
      if (bar) {
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(frac * kWidth);
        std::string b(static_cast<size_t>(filled), '#');
        b.append(static_cast<size_t>(kWidth - filled), '-');
        std::snprintf(buf, sizeof buf, "%s/%s [%s] %5.1f%%", p->name.c_str(), s.name.c_str(),
                      b.c_str(), frac * 100);
      } else {
        const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
        std::snprintf(buf, sizeof buf,
                      "progress: %s/%s %lld/%lld records (%.1f%%), %.0f records/s, eta %.0fs",
                      p->name.c_str(), s.name.c_str(), static_cast<long long>(done),
                      static_cast<long long>(total), frac * 100, rate, eta);
      }
      text += buf;
      text += tables_text(s.counters->table_progress.get(), bar);
    }
  }
  return text;
}

void ProgressReporter::loop() {
  const int64_t start = engine::monotonic_us();
  const int64_t step = tty_ ? 200'000 : interval_us_;
  int64_t next = start + step;
  bool drew = false;
  std::set<std::string> reported;
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const int64_t now = engine::monotonic_us();
    if (now < next) continue;
    next = now + step;
    const std::string text = line(tty_, static_cast<double>(now - start) / 1e6, &reported);
    if (text.empty()) continue;
    if (tty_) {
      std::fprintf(out_, "\r\033[K%s", text.c_str());
      drew = true;
      std::fflush(out_);
    } else {
      // Through the logger, so --log-format json applies to progress lines too.
      size_t i = 0;
      while (i < text.size()) {
        size_t j = text.find('\n', i);
        if (j == std::string::npos) j = text.size();
        log::info("progress", text.substr(i, j - i));
        i = j + 1;
      }
    }
  }
  if (drew) {
    const std::string text = line(true, static_cast<double>(engine::monotonic_us() - start) / 1e6);
    std::fprintf(out_, "\r\033[K%s\n", text.c_str());
    std::fflush(out_);
  }
}

}  // namespace sluice::runtime
