// The `window` of an aggregate (docs/aggregate.md, "Windows"): which windows an event belongs
// to, by its event time (the window FIELD's value, in micros; a date counts from its midnight).
//   tumbling(SIZE): [floor(t, SIZE), +SIZE)
//   hopping(SIZE, ADVANCE): the SIZE / ADVANCE windows [k * ADVANCE, +SIZE) holding t
//   session(GAP): per group key, events less than GAP apart share a session [first, last + GAP)
//     (the sessions themselves are kept by SessionIndex).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "dsl/ast.h"

namespace sluice::operators::aggregate {

enum class WindowKind : uint8_t { None, Tumbling, Hopping, Session };

class WindowAssigner {
 public:
  // From `window KIND(ARGS) on FIELD`; an error names what is wrong.
  static result<WindowAssigner> from(const ast::Statement& st);

  WindowKind kind() const { return kind_; }
  bool windowed() const { return kind_ != WindowKind::None; }
  bool session() const { return kind_ == WindowKind::Session; }
  const std::vector<Sym>& path() const { return path_; }
  int64_t size() const { return size_; }  // the session gap for sessions

  // The event time of a FIELD value in micros (nullopt for null); throws eval::eval_error for
  // a value that is no date, datetime or timestamp.
  std::optional<int64_t> event_time(const Value* v) const;
  // The starts of the (fixed) windows holding t, oldest first.
  void starts(int64_t t, std::vector<int64_t>& out) const;
  // Where the oldest window holding t ends (for sessions: the end of t's own session).
  int64_t first_end(int64_t t) const;
  // Where the fixed window starting at `start` ends.
  int64_t end_of(int64_t start) const { return start + size_; }
  // A window bound as a value of the FIELD's type: a date stays a date when the windows are
  // whole days, else a datetime; datetimes and timestamps keep their type.
  Value bound_value(int64_t us, Type field_type) const;
  // The micros of a bound value (the inverse of bound_value); nullopt for null.
  static std::optional<int64_t> bound_micros(const Value& v);

 private:
  WindowKind kind_ = WindowKind::None;
  int64_t size_ = 0;
  int64_t advance_ = 0;  // the step of the window starts
  std::vector<Sym> path_;
};

}  // namespace sluice::operators::aggregate
