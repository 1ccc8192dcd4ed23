// How the Debezium encoder maps values, as Debezium's MySQL connector settings do
// (decimal.handling.mode, time.precision.mode, bigint.unsigned.handling.mode,
// tombstones.on.delete, the JSON converter's schemas.enable). Defaults are Debezium's.
#pragma once
#include <cstdint>

namespace sluice::operators::debezium {

// In the order of the options' enum values (operators/kafka/kafka_spec.cpp).
enum class DecimalMode : uint8_t { Precise, String, Double };
enum class TimePrecision : uint8_t { AdaptiveTimeMicroseconds, Connect };
enum class BigintUnsigned : uint8_t { Long, Precise };

// bigint_unsigned = precise also names the column type in the Decimal's parameters
// ("__debezium.source.column.type": "BIGINT UNSIGNED", as Debezium's
// column.propagate.source.type does), so that a Sluice kafka source reads an unsigned integer
// back, not a decimal.
struct EncoderOptions {
  DecimalMode decimal = DecimalMode::Precise;
  TimePrecision time = TimePrecision::AdaptiveTimeMicroseconds;
  BigintUnsigned bigint_unsigned = BigintUnsigned::Long;
  bool schemas = true;  // {"schema":..,"payload":..}; false: the payload alone
};

}  // namespace sluice::operators::debezium
