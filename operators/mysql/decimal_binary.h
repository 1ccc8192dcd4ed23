// MySQL's DECIMAL binary format (row images and JSON binary values): nine decimal digits per
// four big-endian bytes, the leftover digits of the integer and fraction parts in 1 to 4
// bytes, the sign in the top bit (the bytes of a negative number inverted).
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/decimal.h"
#include "base/result.h"

namespace sluice::operators::mysql {

// DECIMAL binary format (precision, scale) -> exact Decimal with that scale, any precision up to
// MySQL's 65 (beyond 38 digits on Decimal's wide path).
result<Decimal> decode_decimal(const uint8_t* p, int precision, int scale, size_t* consumed);
size_t decimal_binary_size(int precision, int scale);

}  // namespace sluice::operators::mysql
