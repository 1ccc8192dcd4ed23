#include "engine/actors/option_text.h"

#include <cctype>
#include <string>

#include "engine/actors/backoff_policy.h"

namespace sluice::engine {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "123unit" into number and unit; false when there is no leading number.
bool split_number(std::string_view s, int64_t& n, std::string& unit) {
  s = trim(s);
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  size_t start = i;
  int64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start) return false;
  n = neg ? -v : v;
  unit.clear();
  for (; i < s.size(); ++i) {
    if (!std::isspace(static_cast<unsigned char>(s[i]))) unit += s[i];
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_duration_text(std::string_view s) {
  int64_t n = 0;
  std::string u;
  if (!split_number(s, n, u)) return std::nullopt;
  if (u == "us") return n;
  if (u == "ms") return n * 1000;
  if (u == "s" || u.empty()) return n * 1'000'000;
  if (u == "m") return n * 60'000'000;
  if (u == "h") return n * 3'600'000'000LL;
  if (u == "d") return n * 86'400'000'000LL;
  return std::nullopt;
}

std::optional<int64_t> parse_size_text(std::string_view s) {
  int64_t n = 0;
  std::string u;
  if (!split_number(s, n, u)) return std::nullopt;
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u.empty() || u == "B") return n;
  if (u == "KB") return n << 10;
  if (u == "MB") return n << 20;
  if (u == "GB") return n << 30;
  return std::nullopt;
}

std::optional<int64_t> parse_rate_text(std::string_view s) {
  int64_t n = 0;
  std::string u;
  if (!split_number(s, n, u)) return std::nullopt;
  if (u.empty() || u == "/s") return n;
  if (u == "/m") return n / 60;
  if (u == "/h") return n / 3600;
  return std::nullopt;
}

std::optional<Value> parse_default_text(const dsl::OptionSpec& spec) {
  std::string_view t = trim(spec.default_text);
  if (t.empty()) return std::nullopt;
  using dsl::OptType;
  switch (spec.type) {
    case OptType::Int: {
      int64_t n = 0;
      std::string u;
      if (!split_number(t, n, u) || !u.empty()) return std::nullopt;
      return Value::int64(n);
    }
    case OptType::Bool:
      if (t == "true") return Value::boolean(true);
      if (t == "false") return Value::boolean(false);
      return std::nullopt;
    case OptType::Duration:
      if (auto d = parse_duration_text(t)) return Value::int64(*d);
      return std::nullopt;
    case OptType::Size:
      if (auto d = parse_size_text(t)) return Value::int64(*d);
      return std::nullopt;
    case OptType::Rate:
      if (auto d = parse_rate_text(t)) return Value::int64(*d);
      return std::nullopt;
    case OptType::Backoff: {
      BackoffPolicy p;
      auto open = t.find('(');
      auto close = t.rfind(')');
      if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
      std::string_view name = trim(t.substr(0, open));
      std::string_view args = t.substr(open + 1, close - open - 1);
      if (name == "fixed") {
        auto d = parse_duration_text(args);
        if (!d) return std::nullopt;
        p.exponential = false;
        p.min_us = p.max_us = *d;
      } else if (name == "exponential") {
        auto comma = args.find(',');
        if (comma == std::string_view::npos) return std::nullopt;
        auto a = parse_duration_text(args.substr(0, comma));
        auto b = parse_duration_text(args.substr(comma + 1));
        if (!a || !b) return std::nullopt;
        p.min_us = *a;
        p.max_us = *b;
      } else {
        return std::nullopt;
      }
      return p.to_value();
    }
    case OptType::StringList: {
      if (t.front() != '[') return std::nullopt;
      List l;
      std::string_view body = t.substr(1, t.size() >= 2 ? t.size() - 2 : 0);
      while (!trim(body).empty()) {
        auto comma = body.find(',');
        std::string_view item = trim(body.substr(0, comma));
        if (item.size() >= 2 && item.front() == '"') item = item.substr(1, item.size() - 2);
        l.push_back(Value::string(std::string(item)));
        if (comma == std::string_view::npos) break;
        body = body.substr(comma + 1);
      }
      return Value::list(std::move(l));
    }
    case OptType::Expr:
    case OptType::Block:
    case OptType::ListMap:
      return std::nullopt;
    case OptType::String:
    case OptType::Enum:
    case OptType::Any:
    case OptType::Secret:
      if (t.front() == '(') return std::nullopt;  // "(none)", "(all)": documentation only
      if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
      return Value::string(std::string(t));
  }
  return std::nullopt;
}

}  // namespace sluice::engine
