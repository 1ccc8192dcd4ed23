// An enum's names as data: the table of its enumerators' names, in declaration order, and the
// name of one value (`fallback` for a value outside the table). Each table is checked against
// the enum's last enumerator where it is declared:
//   static constexpr const char* kNames[] = {"source", "processor", "sink"};
//   static_assert(std::size(kNames) == enum_count(StageType::Sink));
#pragma once
#include <cstddef>
#include <iterator>

namespace sluice {

// The number of enumerators of an enum whose last one is `last` (values 0, 1, ... last).
template <class E>
constexpr size_t enum_count(E last) {
  return static_cast<size_t>(last) + 1;
}

template <class E, size_t N>
const char* enum_name(E e, const char* const (&names)[N], const char* fallback) {
  const auto i = static_cast<size_t>(e);
  return i < N ? names[i] : fallback;
}

}  // namespace sluice
