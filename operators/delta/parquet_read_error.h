// What the parts of ParquetReader throw when a file is not one they can read (corrupt, truncated
// or written with features sink delta never uses); ParquetReader turns it into errc io.
#pragma once
#include <stdexcept>
#include <string>

namespace sluice::operators::delta {

class ParquetReadError : public std::runtime_error {
 public:
  explicit ParquetReadError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace sluice::operators::delta
