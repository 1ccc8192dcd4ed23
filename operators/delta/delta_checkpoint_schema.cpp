#include "operators/delta/delta_checkpoint_schema.h"

namespace sluice::operators::delta {

ParquetNestedSchema delta_checkpoint_schema() {
  using S = ParquetNestedSchema;
  using P = parquet::PhysicalType;
  // Required where Delta's own checkpoints have a non-nullable field (numbers, booleans).
  ParquetNestedNode txn = S::group("txn", {S::string("appId"), S::leaf("version", P::INT64, false),
                                           S::leaf("lastUpdated", P::INT64, true)});
  ParquetNestedNode add = S::group(
      "add", {S::string("path"), S::string_map("partitionValues"), S::leaf("size", P::INT64, false),
              S::leaf("modificationTime", P::INT64, false),
              S::leaf("dataChange", P::BOOLEAN, false), S::string("stats")});
  ParquetNestedNode remove =
      S::group("remove", {S::string("path"), S::leaf("deletionTimestamp", P::INT64, true),
                          S::leaf("dataChange", P::BOOLEAN, false),
                          S::leaf("extendedFileMetadata", P::BOOLEAN, true),
                          S::string_map("partitionValues"), S::leaf("size", P::INT64, true)});
  ParquetNestedNode format = S::group("format", {S::string("provider"), S::string_map("options")});
  ParquetNestedNode meta = S::group(
      "metaData", {S::string("id"), S::string("name"), S::string("description"), std::move(format),
                   S::string("schemaString"), S::string_list("partitionColumns"),
                   S::leaf("createdTime", P::INT64, true), S::string_map("configuration")});
  ParquetNestedNode protocol = S::group("protocol", {S::leaf("minReaderVersion", P::INT32, false),
                                                     S::leaf("minWriterVersion", P::INT32, false)});
  return ParquetNestedSchema(S::group(
      "schema",
      {std::move(txn), std::move(add), std::move(remove), std::move(meta), std::move(protocol)},
      false));
}

}  // namespace sluice::operators::delta
