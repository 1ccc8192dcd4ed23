// A thin writer of Thrift's compact protocol (Apache Thrift's TCompactProtocolT over a
// TMemoryBuffer) for the structs of parquet.thrift, written field by field with their ids.
// Thrift's exceptions pass through: the callers catch them (ParquetWriter: errc io).
#pragma once
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstdint>
#include <memory>
#include <string>

namespace sluice::operators::delta {

class ParquetThrift {
 public:
  ParquetThrift();
  // Starts over with an empty buffer (its memory is kept).
  void reset();

  void struct_begin();
  void struct_end();  // the field stop and the end of the struct
  // A field that is a struct (or a union: a struct with one field): struct_begin() follows.
  void struct_field(int16_t id);
  // A field that is a list of n elements, each written next (struct_begin() ... for structs).
  void list_field(int16_t id, apache::thrift::protocol::TType element, uint32_t n);
  void i32_field(int16_t id, int32_t v);
  void i64_field(int16_t id, int64_t v);
  void i8_field(int16_t id, int8_t v);
  void bool_field(int16_t id, bool v);
  void binary_field(int16_t id, const std::string& v);  // string and binary alike
  void i32_element(int32_t v);
  void binary_element(const std::string& v);
  // An empty struct as a field (a union's member without data: StringType, DateType, ...).
  void empty_struct_field(int16_t id);

  // What was written since reset().
  void view(const uint8_t*& data, uint32_t& size);
  std::string str();

 private:
  std::shared_ptr<apache::thrift::transport::TMemoryBuffer> buffer_;
  apache::thrift::protocol::TCompactProtocolT<apache::thrift::transport::TMemoryBuffer> out_;
};

}  // namespace sluice::operators::delta
