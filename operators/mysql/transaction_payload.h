// MySQL 8 `binlog_transaction_compression = ON`: a TRANSACTION_PAYLOAD_EVENT (40) carries a
// whole transaction's events (BEGIN, TABLE_MAPs, rows, XID; its GTID event comes before it).
// The body is a header of fields, each a length-encoded type, length and value (1 payload
// size, 2 compression type: 0 zstd, 255 none; 3 uncompressed size; 0 ends the header), then
// the payload: the inner events, each with its 19-byte header and without a checksum,
// compressed as one or more zstd frames.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/binlog_event.h"

namespace sluice::operators::mysql {

constexpr uint8_t kTransactionPayloadEvent = 40;

struct TransactionPayload {
  enum Compression : uint64_t { Zstd = 0, None = 255 };
  uint64_t compression = None;
  uint64_t uncompressed_size = 0;  // 0 when the header does not say
  const uint8_t* data = nullptr;
  size_t size = 0;
};

result<TransactionPayload> parse_transaction_payload(const uint8_t* body, size_t body_len);

// The inner events' bytes, uncompressed (into `out`, replacing its content).
result<void> unpack_transaction_payload(const TransactionPayload& p, std::vector<uint8_t>& out);

// Splits unpacked inner events: each one parsed without a checksum.
result<std::vector<RawEvent>> split_inner_events(const std::vector<uint8_t>& bytes);

}  // namespace sluice::operators::mysql
