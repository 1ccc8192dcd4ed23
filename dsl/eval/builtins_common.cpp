#include <regex>

#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"

namespace sluice::eval::builtins {

void type_error(const char* fn, int pos, const Value& got, const char* want) {
  throw eval_error(errc::type_mismatch, std::string(fn) + "(): argument " + std::to_string(pos) +
                                            " must be " + want + ", got " + type_name(got.type()));
}

int64_t int_arg(const char* fn, const Value* a, int i) {
  if (a[i].type() == Type::Int) return a[i].as_int();
  if (a[i].type() == Type::UInt && a[i].as_uint() <= INT64_MAX)
    return static_cast<int64_t>(a[i].as_uint());
  type_error(fn, i + 1, a[i], "an int");
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string text_of(const Value& v) {
  if (v.type() == Type::String) return v.as_string();
  return v.to_display();
}

bool regex_matches(const std::string& s, const std::string& pattern) {
  std::regex re;
  try {
    re = std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    fail(errc::invalid_argument, "regex_match(): invalid pattern: " + std::string(e.what()));
  }
  return std::regex_search(s, re);
}

}  // namespace sluice::eval::builtins
