// Printers so BOOST_TEST can show values in failure messages.
#pragma once
#include <ostream>

#include "base/value.h"

namespace sluice {
inline std::ostream& operator<<(std::ostream& os, Type t) { return os << type_name(t); }
inline std::ostream& operator<<(std::ostream& os, const Value& v) {
  return os << type_name(v.type()) << ":" << v.to_display();
}
}  // namespace sluice
