#include "base/logger.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "base/enum_names.h"
#include "base/json.h"
#include "base/secrets.h"

namespace sluice::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::Info)};
std::atomic<bool> g_json{false};
std::mutex g_mu;

// A JSON string literal, quotes included.
std::string json_string(const std::string& s) {
  std::string out;
  json::encode_string(s, out);
  return out;
}
}  // namespace

const char* level_name(Level l) {
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error", "off"};
  static_assert(std::size(kNames) == enum_count(Level::Off));
  return enum_name(l, kNames, "?");
}

std::optional<Level> parse_level(std::string_view text) {
  for (Level l : {Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Off}) {
    if (text == level_name(l)) return l;
  }
  return std::nullopt;
}

void apply_env_level() {
  const char* env = std::getenv("SLUICE_LOG_LEVEL");
  if (env == nullptr || *env == '\0') return;
  if (auto l = parse_level(env)) {
    set_level(*l);
  } else {
    std::fprintf(stderr, "sluice: SLUICE_LOG_LEVEL=%s is not error, warn, info or debug; ignored\n",
                 env);
  }
}

void set_level(Level l) { g_level.store(static_cast<int>(l)); }
Level level() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }
void set_json(bool json) { g_json.store(json); }

void write(Level l, const std::string& component, const std::string& message) {
  if (static_cast<int>(l) < g_level.load(std::memory_order_relaxed)) return;
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  std::string msg = secrets::redact(message);
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_json.load()) {
    std::fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":%s,\"msg\":%s}\n", ts,
                 level_name(l), json_string(component).c_str(), json_string(msg).c_str());
  } else {
    std::fprintf(stderr, "%s %-5s [%s] %s\n", ts, level_name(l), component.c_str(), msg.c_str());
  }
}

}  // namespace sluice::log
