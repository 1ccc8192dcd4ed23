// coalesce hash sha256 env secret secret_file, and the generate functions seq random_* pick.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "base/json.h"
#include "base/secrets.h"
#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"
#include "dsl/eval/sha256.h"

namespace sluice::eval::builtins {
namespace {

GenState& gen(const Context& ctx) {
  if (ctx.gen != nullptr) return *ctx.gen;
  thread_local GenState fallback;
  return fallback;
}

}  // namespace

Value coalesce(const Value* a, size_t n, const Context&) {
  for (size_t i = 0; i < n; ++i) {
    if (!a[i].is_null()) return a[i];
  }
  return Value();
}

Value hash(const Value* a, size_t, const Context&) {
  thread_local std::string buf;
  buf.clear();
  json::encode(a[0], buf);
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : buf) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return Value::int64(static_cast<int64_t>(h));
}

Value sha256(const Value* a, size_t, const Context&) {
  if (a[0].type() == Type::String || a[0].type() == Type::Bytes)
    return Value::string(sha256_hex(a[0].as_string()));
  return Value::string(sha256_hex(text_of(a[0])));
}

Value env(const Value* a, size_t n, const Context&) {
  if (a[0].type() != Type::String) type_error("env", 1, a[0], "a string");
  const char* v = std::getenv(a[0].as_string().c_str());
  if (v != nullptr) return Value::string(v);
  if (n > 1 && !a[1].is_null()) return a[1];
  fail("env(): environment variable " + a[0].as_string() + " is not set and has no default");
}

Value secret(const Value* a, size_t, const Context&) {
  if (a[0].type() != Type::String) type_error("secret", 1, a[0], "a string");
  const char* v = std::getenv(a[0].as_string().c_str());
  if (v == nullptr) fail("secret(): environment variable " + a[0].as_string() + " is not set");
  std::string value(v);
  secrets::add(value);
  return Value::string(std::move(value));
}

// Docker/Kubernetes secrets: /run/secrets/NAME holds the value (one trailing newline dropped).
Value secret_file(const Value* a, size_t, const Context&) {
  if (a[0].type() != Type::String) type_error("secret_file", 1, a[0], "a string");
  const std::string& path = a[0].as_string();
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("secret_file(): cannot read " + path + ": " + std::strerror(errno));
  std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  if (value.empty()) fail("secret_file(): " + path + " is empty");
  secrets::add(value);
  return Value::string(std::move(value));
}

Value seq(const Value*, size_t, const Context& ctx) {
  if (ctx.gen == nullptr)
    fail(errc::invalid_argument, "seq() is only available in a generate source's fields");
  return Value::int64(ctx.gen->seq);
}

Value random_int(const Value* a, size_t, const Context& ctx) {
  int64_t lo = int_arg("random_int", a, 0), hi = int_arg("random_int", a, 1);
  if (lo > hi)
    fail(errc::invalid_argument, "random_int(): the lower bound " + std::to_string(lo) +
                                     " is above the upper bound " + std::to_string(hi));
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  return Value::int64(dist(gen(ctx).rng));
}

Value random_decimal(const Value* a, size_t, const Context& ctx) {
  int64_t scale = int_arg("random_decimal", a, 2);
  if (scale < 0 || scale > 18)
    fail(errc::invalid_argument, "random_decimal(): scale must be between 0 and 18");
  auto bound = [&](int i) {
    const Value& v = a[i];
    std::optional<Decimal> d;
    if (v.type() == Type::Int)
      d = Decimal::from_int(v.as_int());
    else if (v.type() == Type::UInt)
      d = Decimal(static_cast<int128>(v.as_uint()), 0);
    else if (v.type() == Type::Decimal)
      d = v.as_decimal();
    else
      type_error("random_decimal", i + 1, v, "an int or decimal");
    auto r = d->rescale(static_cast<int>(scale));
    if (!r || r->is_wide()) fail(errc::overflow, "random_decimal(): bound out of range");
    return r->unscaled();
  };
  int128 lo = bound(0), hi = bound(1);
  if (lo > hi)
    fail(errc::invalid_argument, "random_decimal(): the lower bound is above the upper bound");
  int128 span = hi - lo;
  if (span > static_cast<int128>(UINT64_MAX))
    fail(errc::invalid_argument, "random_decimal(): range too large");
  std::uniform_int_distribution<uint64_t> dist(0, static_cast<uint64_t>(span));
  return Value::decimal(
      Decimal(lo + static_cast<int128>(dist(gen(ctx).rng)), static_cast<int>(scale)));
}

Value pick(const Value* a, size_t, const Context& ctx) {
  if (a[0].type() != Type::List) type_error("pick", 1, a[0], "a list");
  const List& l = a[0].as_list();
  if (l.empty()) fail(errc::invalid_argument, "pick(): the list is empty");
  std::uniform_int_distribution<size_t> dist(0, l.size() - 1);
  return l[dist(gen(ctx).rng)];
}

Value random_string(const Value* a, size_t, const Context& ctx) {
  int64_t n = int_arg("random_string", a, 0);
  if (n < 0 || n > 1 << 20)
    fail(errc::invalid_argument, "random_string(): length must be between 0 and 1048576");
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(static_cast<size_t>(n), 'a');
  auto& rng = gen(ctx).rng;
  for (auto& c : s) c = kChars[rng() % 62];
  return Value::string(std::move(s));
}

}  // namespace sluice::eval::builtins
