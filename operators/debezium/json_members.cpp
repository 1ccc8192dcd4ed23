#include "operators/debezium/json_members.h"

#include <cstring>

namespace sluice::operators::debezium {

JsonMembers::JsonMembers(std::string_view text) : t_(text) {
  if (!skip_ws() || t_[pos_] != '{') {
    ok_ = false;
    return;
  }
  ++pos_;
}

bool JsonMembers::skip_ws() {
  while (pos_ < t_.size() &&
         (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) {
    ++pos_;
  }
  return pos_ < t_.size();
}

bool JsonMembers::skip_string() {  // pos_ at the opening quote
  ++pos_;
  while (true) {
    const void* q = std::memchr(t_.data() + pos_, '"', t_.size() - pos_);
    if (q == nullptr) return false;
    size_t at = static_cast<const char*>(q) - t_.data();
    size_t bs = 0;
    while (at - bs > pos_ && t_[at - bs - 1] == '\\') ++bs;
    pos_ = at + 1;
    if (bs % 2 == 0) return true;
  }
}

bool JsonMembers::skip_value() {
  if (!skip_ws()) return false;
  char c = t_[pos_];
  if (c == '"') return skip_string();
  if (c == '{' || c == '[') {
    int depth = 0;
    while (pos_ < t_.size()) {
      char d = t_[pos_];
      if (d == '"') {
        if (!skip_string()) return false;
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) {
          ++pos_;
          return true;
        }
      }
      ++pos_;
    }
    return false;
  }
  // number, true, false, null
  while (pos_ < t_.size()) {
    char d = t_[pos_];
    if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\n' || d == '\r' || d == '\t') break;
    ++pos_;
  }
  return true;
}

bool JsonMembers::next() {
  if (!ok_) return false;
  if (!skip_ws()) return ok_ = false;
  if (t_[pos_] == '}') return false;
  if (!first_) {
    if (t_[pos_] != ',') return ok_ = false;
    ++pos_;
    if (!skip_ws()) return ok_ = false;
  }
  first_ = false;
  if (t_[pos_] != '"') return ok_ = false;
  size_t start = pos_;
  if (!skip_string()) return ok_ = false;
  name_ = t_.substr(start + 1, pos_ - start - 2);
  if (!skip_ws() || t_[pos_] != ':') return ok_ = false;
  ++pos_;
  if (!skip_ws()) return ok_ = false;
  size_t vstart = pos_;
  if (!skip_value()) return ok_ = false;
  value_ = t_.substr(vstart, pos_ - vstart);
  return true;
}

}  // namespace sluice::operators::debezium
