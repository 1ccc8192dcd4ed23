#include "operators/mysql/transaction_payload.h"

#include <zstd.h>

#include <algorithm>
#include <memory>

#include "operators/mysql/byte_reader.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

constexpr uint64_t kHeaderEnd = 0;
constexpr uint64_t kPayloadSize = 1;
constexpr uint64_t kCompressionType = 2;
constexpr uint64_t kUncompressedSize = 3;
// More than any transaction MySQL writes in one payload (its max is 1 GiB of events).
constexpr uint64_t kMaxUnpacked = uint64_t{4} << 30;

error payload_malformed(const std::string& why) {
  return error::fatal(errc::decode, "malformed TRANSACTION_PAYLOAD_EVENT: " + why);
}

struct DctxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

result<void> unzstd(const TransactionPayload& p, std::vector<uint8_t>& out) {
  std::unique_ptr<ZSTD_DCtx, DctxFree> ctx(ZSTD_createDCtx());
  if (!ctx) return error::fatal(errc::decode, "zstd: out of memory");
  out.reserve(
      std::min<uint64_t>(p.uncompressed_size ? p.uncompressed_size : p.size * 4, kMaxUnpacked));
  ZSTD_inBuffer in{p.data, p.size, 0};
  size_t last = 0;
  while (true) {
    if (out.capacity() - out.size() < ZSTD_DStreamOutSize()) {
      out.reserve(std::max(out.size() + ZSTD_DStreamOutSize(), out.capacity() * 2));
    }
    size_t at = out.size();
    out.resize(out.capacity());
    ZSTD_outBuffer o{out.data() + at, out.size() - at, 0};
    last = ZSTD_decompressStream(ctx.get(), &o, &in);
    out.resize(at + o.pos);
    if (ZSTD_isError(last))
      return payload_malformed(std::string("zstd: ") + ZSTD_getErrorName(last));
    if (out.size() > kMaxUnpacked) return payload_malformed("more than 4 GiB uncompressed");
    // Done when the input is consumed and the output was not cut by the buffer's end.
    if (in.pos == in.size && o.pos < o.size) break;
  }
  if (last != 0) return payload_malformed("zstd: the payload ends inside a frame");
  return {};
}

}  // namespace

result<TransactionPayload> parse_transaction_payload(const uint8_t* body, size_t body_len) {
  ByteReader r(body, body_len);
  TransactionPayload p;
  bool have_size = false;
  uint64_t size = 0;
  while (true) {
    uint64_t type = r.lenenc();
    if (r.failed()) return payload_malformed("the header has no end mark");
    if (type == kHeaderEnd) break;
    uint64_t len = r.lenenc();
    if (r.failed() || !r.has(len))
      return payload_malformed("field " + std::to_string(type) + " is cut");
    ByteReader v(r.ptr(), static_cast<size_t>(len));
    r.skip(static_cast<size_t>(len));
    if (type == kPayloadSize) {
      size = v.lenenc();
      have_size = !v.failed();
    } else if (type == kCompressionType) {
      p.compression = v.lenenc();
    } else if (type == kUncompressedSize) {
      p.uncompressed_size = v.lenenc();
    }  // other fields: newer servers' additions, skipped by their length
    if (v.failed()) return payload_malformed("field " + std::to_string(type) + " is cut");
  }
  if (!have_size) return payload_malformed("no payload size");
  if (size > r.remaining()) {
    return payload_malformed("payload size " + std::to_string(size) + " but " +
                             std::to_string(r.remaining()) + " bytes follow");
  }
  if (p.compression != TransactionPayload::Zstd && p.compression != TransactionPayload::None) {
    return error::fatal(errc::decode, "TRANSACTION_PAYLOAD_EVENT compressed with algorithm " +
                                          std::to_string(p.compression) +
                                          ", unknown to this version of Sluice");
  }
  p.data = r.ptr();
  p.size = static_cast<size_t>(size);
  return p;
}

result<void> unpack_transaction_payload(const TransactionPayload& p, std::vector<uint8_t>& out) {
  out.clear();
  if (p.compression == TransactionPayload::None) {
    out.assign(p.data, p.data + p.size);
  } else {
    auto r = unzstd(p, out);
    if (!r.ok()) return r;
  }
  if (p.uncompressed_size != 0 && out.size() != p.uncompressed_size) {
    return payload_malformed(std::to_string(out.size()) + " bytes uncompressed, the header says " +
                             std::to_string(p.uncompressed_size));
  }
  return {};
}

result<std::vector<RawEvent>> split_inner_events(const std::vector<uint8_t>& bytes) {
  std::vector<RawEvent> out;
  size_t at = 0;
  while (at < bytes.size()) {
    auto ev = parse_event(bytes.data() + at, bytes.size() - at, false);
    if (!ev.ok())
      return payload_malformed("inner event at offset " + std::to_string(at) + ": " +
                               ev.err().message);
    at += ev->size;
    out.push_back(*ev);
  }
  return out;
}

}  // namespace sluice::operators::mysql
