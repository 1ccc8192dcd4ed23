// Checks one Value against its column and converts it to the column's physical form
// (ParquetCell): the accepted types per column type, exact decimal rescaling, NOT NULL.
// Allocates nothing.
#pragma once
#include <optional>

#include "base/value.h"
#include "operators/delta/errc.h"
#include "operators/delta/parquet_cell.h"
#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta {

class ParquetValueConverter {
 public:
  explicit ParquetValueConverter(const ColumnSchema& column);
  // Fills out from v (nullptr or a Null Value is null); the code when v does not fit.
  std::optional<errc> convert(const Value* v, ParquetCell& out) const;

 private:
  std::optional<errc> convert_integer(const Value& v, ParquetCell& out) const;
  std::optional<errc> convert_decimal(const Value& v, ParquetCell& out) const;
  // unscaled at `scale` -> out.unscaled at the column's scale, within its precision.
  std::optional<errc> fit_decimal(__int128 unscaled, int scale, ParquetCell& out) const;
  std::optional<errc> fit_wide_decimal(const Decimal& d, ParquetCell& out) const;

  ColumnType type_;
  bool nullable_;
  int scale_;
  __int128 limit_ = 0;  // Decimal: 10^precision - 1
};

}  // namespace sluice::operators::delta
