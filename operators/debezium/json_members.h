// A fast, allocation-free scan of a JSON object's top-level members: finds each member's name
// and the exact text span of its value without building Values. The Debezium decoder uses it
// to find `schema` and `payload` in an envelope so the (large, repeated) schema text is only
// compared with a cached one instead of being parsed for every message.
#pragma once
#include <string_view>

namespace sluice::operators::debezium {

class JsonMembers {
 public:
  explicit JsonMembers(std::string_view text);
  // Advances to the next member; false at the end or on malformed text (see ok()).
  bool next();
  std::string_view name() const { return name_; }    // raw (escapes not resolved)
  std::string_view value() const { return value_; }  // the value's text
  bool ok() const { return ok_; }
  // After next() returned false with ok(): true when only whitespace follows the closing '}'.
  bool ends_cleanly() const {
    if (!ok_ || pos_ >= t_.size() || t_[pos_] != '}') return false;
    for (size_t i = pos_ + 1; i < t_.size(); ++i) {
      char c = t_[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
    }
    return true;
  }

 private:
  bool skip_ws();
  bool skip_value();  // from pos_, sets pos_ after the value
  bool skip_string();

  std::string_view t_;
  size_t pos_ = 0;
  bool ok_ = true;
  bool first_ = true;
  std::string_view name_;
  std::string_view value_;
};

}  // namespace sluice::operators::debezium
