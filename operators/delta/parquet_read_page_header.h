// The header of one page of a column chunk (PageHeader and its DataPageHeader in Thrift's
// compact protocol), as ParquetColumnWriter writes it: a DATA_PAGE (v1) of PLAIN values with
// RLE definition levels. Other page types and encodings are refused.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::operators::delta {

struct ParquetReadPageHeader {
  int32_t uncompressed_size = 0;  // the page's body before compression
  int32_t compressed_size = 0;    // its bytes in the file, after the header
  int32_t num_values = 0;         // levels: values and nulls
  size_t header_size = 0;         // the header's own bytes
  // DataPageHeader.repetition_level_encoding (-1: absent): nested columns check it.
  int32_t repetition_level_encoding = -1;

  // The header at the start of bytes (the rest of the column chunk). Throws ParquetReadError
  // for a page it cannot read (Thrift's exceptions become one).
  static ParquetReadPageHeader parse(std::string_view bytes, bool nullable);
};

}  // namespace sluice::operators::delta
