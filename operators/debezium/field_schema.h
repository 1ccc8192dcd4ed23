// A Kafka Connect schema (as the JSON converter writes it) compiled for decoding: each field's
// primitive type and Debezium / Connect logical type, resolved once per distinct schema.
//
// Logical types decoded exactly (Debezium docs, "Data type mappings"):
//   org.apache.kafka.connect.data.Decimal   bytes (base64, big-endian two's complement
//                                           unscaled) + parameter scale      -> Decimal
//   io.debezium.data.VariableScaleDecimal   {scale, value(bytes)}            -> Decimal
//   io.debezium.time.Date, connect Date     int32 days since epoch           -> Date
//   io.debezium.time.Time, connect Time     int32 ms past midnight           -> Time
//   io.debezium.time.MicroTime / NanoTime   int64 us / ns                    -> Time
//   io.debezium.time.Timestamp, connect Timestamp  int64 ms since epoch      -> DateTime
//   io.debezium.time.MicroTimestamp / NanoTimestamp  int64 us / ns           -> DateTime
//   io.debezium.time.ZonedTimestamp         ISO-8601 string with offset      -> Timestamp
//   io.debezium.data.Json                   string                           -> parsed JSON
//   io.debezium.data.Enum                   string                           -> String
//   io.debezium.data.EnumSet                "a,b" string                     -> List of String
//   io.debezium.data.Bits                   bytes, little-endian, `length` bits
//                                           -> UInt when at most 64 bits, else Bytes
// Nanosecond values are truncated to microseconds (Sluice's temporal resolution).
// A Decimal with scale 0 whose `__debezium.source.column.type` parameter is "BIGINT UNSIGNED"
// decodes as UInt (how the encoder writes UInt values; Debezium's precise mode is the same).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"

namespace sluice::operators::debezium {

enum class Logical : uint8_t {
  None,
  Decimal,
  VarDecimal,
  Date,
  TimeMs,
  TimeMicros,
  TimeNanos,
  TsMs,
  TsMicros,
  TsNanos,
  ZonedTs,
  Json,
  Enum,
  EnumSet,
  Bits,
  UIntDecimal,
  // Written by the encoder only (encoder_options.h): decimal = string | double, and BIGINT
  // UNSIGNED as int64 (bigint_unsigned = long).
  DecimalText,
  DecimalDouble,
  UIntLong,
};

enum class Prim : uint8_t { Int, Float, Bool, String, Bytes, Struct, Array, Map, Unknown };

struct FieldSchema {
  Sym name = 0;  // `field`
  std::string field;
  Prim prim = Prim::Unknown;
  Logical logical = Logical::None;
  bool optional = true;
  int scale = 0;
  int precision = 0;        // connect.decimal.precision, 0 when unknown
  int bits = 0;             // Bits length
  std::string type_name;    // schema `name` (e.g. "dbserver1.inventory.customers.Value")
  std::string source_type;  // a column type text for SourceMeta::column_types ("decimal(10,2)")
  std::vector<FieldSchema> fields;  // Struct
  std::vector<FieldSchema> items;   // Array: one element schema; Map: key, value

  const FieldSchema* child(Sym s, size_t hint) const {
    if (hint < fields.size() && fields[hint].name == s) return &fields[hint];
    for (const auto& f : fields) {
      if (f.name == s) return &f;
    }
    return nullptr;
  }
};

// Compiles a schema JSON object ({"type":..,"fields":..,"name":..,"parameters":..}).
result<FieldSchema> compile_schema(const Value& schema);

}  // namespace sluice::operators::debezium
