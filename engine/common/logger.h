// Sluice's own logger (CAF's logging is compiled out). Lines go to stderr, secrets redacted.
#pragma once
#include <sstream>
#include <string>

namespace sluice::log {

enum class Level : int { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void set_level(Level l);
Level level();
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
