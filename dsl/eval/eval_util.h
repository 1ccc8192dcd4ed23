// Small helpers shared by the expression evaluators and built-in functions.
#pragma once
#include <string>

#include "base/secrets.h"
#include "dsl/eval/expr.h"

namespace sluice::eval {

// Throws eval_error (code errc::failed) with secrets redacted from the message.
[[noreturn]] inline void fail(const std::string& message) {
  throw eval_error(errc::failed, secrets::redact(message));
}

// Throws eval_error with the code and secrets redacted from the message.
[[noreturn]] inline void fail(errc code, const std::string& message) {
  throw eval_error(code, secrets::redact(message));
}

// A short, redacted rendering of a value for error messages (long texts are cut).
inline std::string describe(const Value& v) {
  std::string s = v.type() == Type::String ? "\"" + v.as_string() + "\"" : v.to_display();
  s = secrets::redact(std::move(s));  // before cutting, so no part of a secret survives
  if (s.size() > 64) s = s.substr(0, 61) + "...";
  return std::string(type_name(v.type())) + " " + s;
}

}  // namespace sluice::eval
