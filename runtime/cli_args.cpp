#include "runtime/cli_args.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "runtime/commands.h"

namespace sluice::cli {

std::optional<Args> parse_args(const std::vector<std::string>& argv,
                               const std::set<std::string>& value_flags,
                               const std::set<std::string>& bool_flags, std::string& error) {
  Args out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a;
      std::optional<std::string> inline_value;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        inline_value = a.substr(eq + 1);
      }
      if (value_flags.count(name)) {
        if (inline_value) {
          out.flags[name] = *inline_value;
        } else if (i + 1 < argv.size()) {
          out.flags[name] = argv[++i];
        } else {
          error = "option " + name + " needs a value";
          return std::nullopt;
        }
      } else if (bool_flags.count(name) && !inline_value) {
        out.flags[name] = "";
      } else {
        error = "unknown option " + name;
        return std::nullopt;
      }
    } else if (a == "-h") {
      out.flags["--help"] = "";
    } else {
      out.positional.push_back(a);
    }
  }
  return out;
}

std::optional<int64_t> parse_duration_us(const std::string& text) {
  size_t i = 0;
  int64_t n = 0;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (n > INT64_MAX / 10 - 10) return std::nullopt;
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  std::string unit = text.substr(i);
  int64_t mult = 0;
  if (unit == "ms")
    mult = 1000;
  else if (unit == "s" || unit.empty())
    mult = 1000000;
  else if (unit == "m")
    mult = 60LL * 1000000;
  else if (unit == "h")
    mult = 3600LL * 1000000;
  else if (unit == "d")
    mult = 86400LL * 1000000;
  else
    return std::nullopt;
  if (n > INT64_MAX / mult) return std::nullopt;
  return n * mult;
}

std::optional<Args> parse_command(const char* name, const std::vector<std::string>& argv,
                                  const std::set<std::string>& value_flags,
                                  std::set<std::string> bool_flags, const char* help,
                                  int& exit_code, bool positional) {
  std::string err;
  bool_flags.insert("--help");
  auto args = parse_args(argv, value_flags, bool_flags, err);
  if (!args || (!positional && !args->positional.empty())) {
    std::fprintf(stderr, "sluice %s: %s\n\n%s", name, args ? "unexpected argument" : err.c_str(),
                 help);
    exit_code = runtime::kExitUsage;
    return std::nullopt;
  }
  if (args->has("--help")) {
    std::fputs(help, stdout);
    exit_code = runtime::kExitOk;
    return std::nullopt;
  }
  return args;
}

}  // namespace sluice::cli
