// A small command-line parser: positional arguments and --flags with or without values.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;  // "--watch" -> "" ; "--format" -> "dot"
  bool has(const std::string& f) const { return flags.count(f) != 0; }
  std::optional<std::string> get(const std::string& f) const {
    auto it = flags.find(f);
    if (it == flags.end()) return std::nullopt;
    return it->second;
  }
};

// value_flags take a value (--format dot or --format=dot); bool_flags take none.
// Returns nullopt and fills `error` on unknown flags or a missing value.
std::optional<Args> parse_args(const std::vector<std::string>& argv,
                               const std::set<std::string>& value_flags,
                               const std::set<std::string>& bool_flags, std::string& error);

// The start every `sluice NAME` command shares: parses argv (`--help` is always a flag);
// bad flags (or, without `positional`, any positional argument) print "sluice NAME: why" and
// `help` to stderr and set exit_code 2; --help prints `help` to stdout and sets exit_code 0.
// nullopt = the command returns exit_code.
std::optional<Args> parse_command(const char* name, const std::vector<std::string>& argv,
                                  const std::set<std::string>& value_flags,
                                  std::set<std::string> bool_flags, const char* help,
                                  int& exit_code, bool positional = true);

// "250ms", "2s", "1m", "1h", "1d" -> microseconds; nullopt when malformed.
std::optional<int64_t> parse_duration_us(const std::string& text);

}  // namespace sluice::cli
