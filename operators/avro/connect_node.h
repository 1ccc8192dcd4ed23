// A Kafka Connect schema compiled once for writing its values as Avro: each node its type,
// whether it is optional (and which union branch null is), its field's name and path, its
// children. fill() writes one JSON converter payload value into a libavro generic value of
// the schema avro_schema.h derives, checking every value against its type on the way.
#pragma once
#include <avro.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"

namespace sluice::operators::avro {

struct ConnectNode {
  enum class Kind : uint8_t {
    Int8,
    Int16,
    Int32,
    Int64,
    Float,
    Double,
    Boolean,
    String,
    Bytes,
    Struct,
    Array,
    Map
  };
  Kind kind = Kind::String;
  bool optional = false;
  bool default_first = false;         // optional with a default: [T, null], else [null, T]
  Sym field = 0;                      // the struct field's name (0: not a field)
  std::string path;                   // "after.amount" (error messages)
  std::vector<ConnectNode> children;  // struct fields; the element of an array or map

  // `schema`: a parsed Connect schema (the JSON converter's "schema").
  static result<ConnectNode> compile(const Value& schema, const std::string& path = "");
  // Writes `v` (null: absent) into `dst`; a value that does not fit is a permanent error.
  result<void> fill(const Value* v, avro_value_t* dst) const;

 private:
  result<void> fill_present(const Value& v, avro_value_t* dst) const;
  result<void> fill_primitive(const Value& v, avro_value_t* dst) const;
};

// The kind of a Connect type name (the JSON converter's float/double, Connect's float32/64);
// false when it is none.
bool connect_kind(const std::string& type, ConnectNode::Kind& kind);

// A libavro call failed at `where`: its message (avro_strerror), as a permanent value error.
error avro_error(const std::string& where);

}  // namespace sluice::operators::avro
