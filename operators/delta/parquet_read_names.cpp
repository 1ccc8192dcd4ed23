#include "operators/delta/parquet_read_names.h"

#include <array>

namespace sluice::operators::delta::parquet {

namespace {

// "n (NAME)" when names has n, else "n".
template <size_t N>
std::string parquet_read_named(int32_t n, const std::array<const char*, N>& names) {
  std::string s = std::to_string(n);
  if (n >= 0 && static_cast<size_t>(n) < N && names[static_cast<size_t>(n)][0] != '\0') {
    s += std::string(" (") + names[static_cast<size_t>(n)] + ")";
  }
  return s;
}

}  // namespace

std::string physical_type_name(int32_t type) {
  static constexpr std::array<const char*, 8> kNames{
      "BOOLEAN", "INT32",  "INT64",      "INT96",
      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return parquet_read_named(type, kNames);
}

std::string page_type_name(int32_t type) {
  static constexpr std::array<const char*, 4> kNames{"DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE",
                                                     "DATA_PAGE_V2"};
  return parquet_read_named(type, kNames);
}

std::string encoding_name(int32_t encoding) {
  static constexpr std::array<const char*, 10> kNames{"PLAIN",
                                                      "",
                                                      "PLAIN_DICTIONARY",
                                                      "RLE",
                                                      "BIT_PACKED",
                                                      "DELTA_BINARY_PACKED",
                                                      "DELTA_LENGTH_BYTE_ARRAY",
                                                      "DELTA_BYTE_ARRAY",
                                                      "RLE_DICTIONARY",
                                                      "BYTE_STREAM_SPLIT"};
  return parquet_read_named(encoding, kNames);
}

std::string codec_name(int32_t codec) {
  static constexpr std::array<const char*, 8> kNames{"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                                     "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  return parquet_read_named(codec, kNames);
}

}  // namespace sluice::operators::delta::parquet
