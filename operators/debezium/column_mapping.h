// The Kafka Connect type of a column, as Debezium's MySQL connector maps it (its "Data type
// mappings"), from the source's column type text (SourceMeta::column_types) or, without one,
// from the value; and the field's schema as the JSON converter writes it.
#pragma once
#include <string>

#include "base/value.h"
#include "operators/debezium/encoder_options.h"
#include "operators/debezium/field_schema.h"

namespace sluice::operators::debezium {

struct EncType {
  Logical logical = Logical::None;
  const char* type = "string";  // the JSON converter's names: int16, int64, float, double...
  int scale = 0;
  int precision = 0;
  int bits = 0;
  int fsp = -1;          // TIMESTAMP(n): n fraction digits in ZonedTimestamp; -1 as needed
  bool connect = false;  // time.precision.mode = connect: Kafka Connect's Date/Time/Timestamp
  bool year = false;     // io.debezium.time.Year
  std::string allowed;   // enum / set labels "a,b"
};

// False when the type text says nothing the value does not (strings, blobs, unknown).
bool from_column_type(const std::string& column_type, const EncoderOptions& o, EncType& t);
void from_value(const Value& v, const EncoderOptions& o, EncType& t);

// {"type":..,"optional":..,["name","version","parameters"],"field":NAME}
void append_field_schema(const std::string& name, const EncType& t, bool optional,
                         std::string& out);

}  // namespace sluice::operators::debezium
