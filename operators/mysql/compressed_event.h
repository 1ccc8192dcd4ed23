// MariaDB `log_bin_compress = ON`: QUERY_COMPRESSED_EVENT (165) and the compressed rows events
// WRITE/UPDATE/DELETE_ROWS_COMPRESSED_EVENT_V1 (166-168) and their v2 forms (169-171). Their
// headers are the ordinary ones; only the statement text (query) or the rows (after the
// column bitmaps) are compressed, as one block: a header byte (high bit set, bits 4-6 the
// algorithm, 0 = zlib; low 3 bits: how many bytes of the uncompressed length follow,
// big-endian), then the zlib stream. Expanded, they are QUERY_EVENT / *_ROWS_EVENT(_V1).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "operators/mysql/binlog_event.h"

namespace sluice::operators::mysql {

constexpr uint8_t kQueryCompressedEvent = 165;
constexpr uint8_t kFirstRowsCompressedEvent = 166;  // WRITE_ROWS_COMPRESSED_EVENT_V1
constexpr uint8_t kLastRowsCompressedEvent = 171;   // DELETE_ROWS_COMPRESSED_EVENT

bool is_maria_compressed_event(uint8_t type);

// Appends the uncompressed content of one compressed block of `len` bytes to `out`.
result<void> uncompress_maria_block(const uint8_t* p, size_t len, std::vector<uint8_t>& out);

// The event `ev` (a compressed type) as its uncompressed equivalent: the returned event's body
// points into `storage` (its previous content is replaced), type and sizes rewritten.
result<RawEvent> expand_maria_compressed(const RawEvent& ev, std::vector<uint8_t>& storage);

}  // namespace sluice::operators::mysql
