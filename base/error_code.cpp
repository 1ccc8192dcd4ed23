#include "base/error_code.h"

namespace sluice {

const error_entry& error_code::entry() const {
  static const error_entry none{"", "", ""};
  static const error_entry unknown{"?", "?", "unknown error code"};
  if (category_ == nullptr) return none;
  if (value_ < 0 || static_cast<size_t>(value_) >= category_->size) return unknown;
  return category_->entries[value_];
}

std::string error_code::qualified() const {
  if (category_ == nullptr) return {};
  return std::string(module()) + "." + name();
}

}  // namespace sluice
