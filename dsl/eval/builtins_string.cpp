// String functions: lower upper trim length substr replace concat mask regex_match to_string.
#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"

namespace sluice::eval::builtins {
namespace {

const std::string& str_arg(const char* fn, const Value* a, int i) {
  if (a[i].type() != Type::String) type_error(fn, i + 1, a[i], "a string");
  return a[i].as_string();
}

// Byte offset of code point `cp` (clamped to the end).
size_t cp_offset(const std::string& s, size_t cp) {
  size_t i = 0;
  size_t n = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == cp) return i;
      ++n;
    }
    ++i;
  }
  return s.size();
}

}  // namespace

Value lower(const Value* a, size_t, const Context&) {
  std::string s = str_arg("lower", a, 0);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value::string(std::move(s));
}

Value upper(const Value* a, size_t, const Context&) {
  std::string s = str_arg("upper", a, 0);
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return Value::string(std::move(s));
}

Value trim(const Value* a, size_t, const Context&) {
  const std::string& s = str_arg("trim", a, 0);
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return Value::string("");
  size_t e = s.find_last_not_of(ws);
  return Value::string(s.substr(b, e - b + 1));
}

Value length(const Value* a, size_t, const Context&) {
  switch (a[0].type()) {
    case Type::String:
      return Value::int64(static_cast<int64_t>(utf8_length(a[0].as_string())));
    case Type::Bytes:
      return Value::int64(static_cast<int64_t>(a[0].as_string().size()));
    case Type::List:
      return Value::int64(static_cast<int64_t>(a[0].as_list().size()));
    case Type::Object:
      return Value::int64(static_cast<int64_t>(a[0].as_object().size()));
    default:
      type_error("length", 1, a[0], "a string, bytes, list or object");
  }
}

Value substr(const Value* a, size_t n, const Context&) {
  const std::string& s = str_arg("substr", a, 0);
  int64_t start = int_arg("substr", a, 1);
  if (start < 1) start = 1;
  size_t b = cp_offset(s, static_cast<size_t>(start - 1));
  if (n < 3) return Value::string(s.substr(b));
  int64_t len = int_arg("substr", a, 2);
  if (len < 0)
    fail(errc::invalid_argument,
         "substr(): length must not be negative, got " + std::to_string(len));
  size_t e = b;
  int64_t k = 0;
  while (e < s.size() && k < len) {
    ++e;
    while (e < s.size() && (static_cast<unsigned char>(s[e]) & 0xC0) == 0x80) ++e;
    ++k;
  }
  return Value::string(s.substr(b, e - b));
}

Value replace(const Value* a, size_t, const Context&) {
  const std::string& s = str_arg("replace", a, 0);
  const std::string& from = str_arg("replace", a, 1);
  const std::string& to = str_arg("replace", a, 2);
  if (from.empty()) return Value::string(s);
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  for (;;) {
    size_t f = s.find(from, pos);
    if (f == std::string::npos) break;
    out.append(s, pos, f - pos);
    out += to;
    pos = f + from.size();
  }
  out.append(s, pos, std::string::npos);
  return Value::string(std::move(out));
}

Value concat(const Value* a, size_t n, const Context&) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (a[i].is_null()) continue;
    if (a[i].type() == Type::String) {
      out += a[i].as_string();
    } else {
      out += a[i].to_display();
    }
  }
  return Value::string(std::move(out));
}

Value mask(const Value* a, size_t n, const Context&) {
  const std::string& s = str_arg("mask", a, 0);
  int64_t keep = n > 1 ? int_arg("mask", a, 1) : 4;
  if (keep < 0)
    fail(errc::invalid_argument,
         "mask(): keep_last must not be negative, got " + std::to_string(keep));
  size_t total = utf8_length(s);
  size_t masked = total > static_cast<size_t>(keep) ? total - static_cast<size_t>(keep) : 0;
  size_t off = cp_offset(s, masked);
  std::string out(masked, '*');
  out.append(s, off, std::string::npos);
  return Value::string(std::move(out));
}

Value regex_match(const Value* a, size_t, const Context&) {
  return Value::boolean(regex_matches(str_arg("regex_match", a, 0), str_arg("regex_match", a, 1)));
}

Value to_string(const Value* a, size_t, const Context&) { return Value::string(text_of(a[0])); }

}  // namespace sluice::eval::builtins
