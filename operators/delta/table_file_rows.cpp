#include "operators/delta/table_file_rows.h"

#include "operators/delta/delta_table.h"
#include "operators/delta/errc.h"
#include "operators/delta/parquet_reader.h"

namespace sluice::operators::delta {

result<void> for_each_file_row(const DeltaTable& table, const AddFile& file,
                               const std::function<result<void>(std::vector<Value>& cells)>& f) {
  ParquetReader reader;
  const std::string full = table.dir() + "/" + file.path;
  auto bytes = table.store().read(file.path);
  if (!bytes.ok())
    return error::fatal(errc::io, "cannot read " + full + ": " + bytes.err().message);
  if (auto r = reader.open(std::move(bytes.value())); !r) {
    return error::fatal(errc::io, "cannot read " + full + ": " + r.err().message);
  }
  const auto& schema = table.schema();
  std::vector<size_t> to_table;
  for (const ColumnSchema& c : reader.columns()) {
    size_t at = schema.size();
    for (size_t i = 0; i < schema.size(); ++i) {
      if (schema[i].name == c.name) at = i;
    }
    to_table.push_back(at);
  }
  std::vector<Value> cells;
  auto read = reader.read_rows([&](std::vector<Value>& row) -> result<void> {
    cells.assign(schema.size(), Value());
    for (size_t j = 0; j < row.size() && j < to_table.size(); ++j) {
      if (to_table[j] < cells.size()) cells[to_table[j]] = std::move(row[j]);
    }
    return f(cells);
  });
  if (!read) {
    if (read.err().code == make_error_code(errc::io)) {
      return error::fatal(errc::io, "cannot read " + full + ": " + read.err().message);
    }
    return read;
  }
  return {};
}

}  // namespace sluice::operators::delta
