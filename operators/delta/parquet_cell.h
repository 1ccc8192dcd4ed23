// One value of a row, converted to its column's physical form and checked, before the row is
// kept (ParquetValueConverter fills it, ParquetColumnWriter stores it).
#pragma once
#include <cstdint>
#include <string_view>

namespace sluice::operators::delta {

struct ParquetCell {
  bool null = true;
  int64_t i = 0;           // Bool (0/1), Int32, Int64, Date, Timestamp
  double d = 0;            // Double
  __int128 unscaled = 0;   // Decimal, at the column's scale
  std::string_view bytes;  // String, Binary: the Value's own text (valid during append)
};

}  // namespace sluice::operators::delta
