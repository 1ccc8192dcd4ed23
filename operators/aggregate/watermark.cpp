#include "operators/aggregate/watermark.h"

#include <limits>

namespace sluice::operators::aggregate {
namespace {

int64_t sat_sub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return std::numeric_limits<int64_t>::min();
  return r;
}

}  // namespace

std::optional<int64_t> Watermark::value() const {
  if (!delay_ || !max_) return std::nullopt;
  return sat_sub(*max_, *delay_);
}

std::optional<int64_t> Watermark::close_limit() const {
  auto wm = value();
  if (!wm) return std::nullopt;
  return sat_sub(*wm, lateness_);
}

void Watermark::encode(std::string& out) const {
  state_codec::put_uint(max_ ? 1 : 0, out);
  state_codec::put_int(max_.value_or(0), out);
}

void Watermark::decode(state_codec::Reader& r) {
  bool has = r.uint64() != 0;
  int64_t v = r.int64();
  max_ = has ? std::optional<int64_t>(v) : std::nullopt;
}

}  // namespace sluice::operators::aggregate
