// result<T>: a value or an error, used instead of exceptions across module boundaries.
#pragma once
#include <string>
#include <utility>
#include <variant>

#include "base/error_code.h"

namespace sluice {

// How a failure should be handled by the engine (ARCHITECTURE.md "three kinds").
enum class failure_kind : unsigned char {
  permanent,  // this record/input can never succeed: dead-letter it
  transient,  // retry with backoff, keep the batch
  fatal,      // the stage cannot continue: let the supervisor restart the pipeline
};

// A failure: how to handle it (kind), which module failed and how (code, base/error_code.h;
// none for errors made from a message only) and the details (message).
struct error {
  failure_kind kind = failure_kind::permanent;
  std::string message;
  error_code code;
  static error permanent(std::string m) { return {failure_kind::permanent, std::move(m), {}}; }
  static error transient(std::string m) { return {failure_kind::transient, std::move(m), {}}; }
  static error fatal(std::string m) { return {failure_kind::fatal, std::move(m), {}}; }
  static error permanent(error_code c, std::string m) {
    return {failure_kind::permanent, std::move(m), c};
  }
  static error transient(error_code c, std::string m) {
    return {failure_kind::transient, std::move(m), c};
  }
  static error fatal(error_code c, std::string m) { return {failure_kind::fatal, std::move(m), c}; }
  // "module.name: message" ("postgres.null_key: table t: ..."), the message alone without code.
  std::string describe() const { return code ? code.qualified() + ": " + message : message; }
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T v) : v_(std::move(v)) {}      // NOLINT(google-explicit-constructor)
  result(error e) : v_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const error& err() const { return std::get<1>(v_); }
  error& err() { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const error& err() const { return e_; }

 private:
  error e_;
  bool ok_ = true;
};

}  // namespace sluice
