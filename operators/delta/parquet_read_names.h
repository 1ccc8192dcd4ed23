// The names of Parquet's physical types, page types, encodings and codecs, for the messages of
// ParquetReader when a file uses one that sink delta does not write ("8 (RLE_DICTIONARY)").
#pragma once
#include <cstdint>
#include <string>

namespace sluice::operators::delta::parquet {

std::string physical_type_name(int32_t type);
std::string page_type_name(int32_t type);
std::string encoding_name(int32_t encoding);
std::string codec_name(int32_t codec);

}  // namespace sluice::operators::delta::parquet
