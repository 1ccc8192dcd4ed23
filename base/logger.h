// Sluice's own logger (CAF's logging is compiled out). Lines go to stderr, secrets redacted.
#pragma once
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace sluice::log {

enum class Level : int { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void set_level(Level l);
Level level();
// "error", "warn", "info", "debug" (and "off") -> Level; nullopt for anything else.
std::optional<Level> parse_level(std::string_view text);
const char* level_name(Level l);
// The level named by $SLUICE_LOG_LEVEL, when it is set and valid (main() applies it; a
// --log-level option overrides it). An invalid value is reported once on stderr and ignored.
void apply_env_level();
void set_json(bool json);  // --log-format json
void write(Level l, const std::string& component, const std::string& message);

inline void debug(const std::string& c, const std::string& m) {
  if (level() <= Level::Debug) write(Level::Debug, c, m);
}
inline void info(const std::string& c, const std::string& m) {
  if (level() <= Level::Info) write(Level::Info, c, m);
}
inline void warn(const std::string& c, const std::string& m) { write(Level::Warn, c, m); }
inline void error(const std::string& c, const std::string& m) { write(Level::Error, c, m); }

}  // namespace sluice::log
