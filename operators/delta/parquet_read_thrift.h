// A reader of Thrift's compact protocol (Apache Thrift's TCompactProtocolT over a TMemoryBuffer
// that observes the bytes) for the structs of parquet.thrift, read field by field with their
// ids; the counterpart of ParquetThrift. Strings and lists are bounded by the bytes read, field
// types are checked (ParquetReadError), Thrift's exceptions pass through: callers catch them.
#pragma once
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::operators::delta {

class ParquetReadThrift {
 public:
  using TType = apache::thrift::protocol::TType;

  // Reads from bytes (not copied: they must outlive the reader); at most 2^31 - 1 of them.
  explicit ParquetReadThrift(std::string_view bytes);

  void struct_begin();
  void struct_end();
  // The next field of the open struct; false at the struct's end (its field stop).
  bool field(int16_t& id, TType& type);
  // A field's value, its type checked against what the field must be (`what`, for messages).
  int32_t i32(TType type, const char* what);
  int64_t i64(TType type, const char* what);
  int8_t i8(TType type, const char* what);
  bool boolean(TType type, const char* what);
  std::string binary(TType type, const char* what);  // string and binary alike
  // A field that is a list of `element`s: their number, each read next.
  uint32_t list(TType type, TType element, const char* what);
  // A field that is a struct: struct_begin() follows.
  void expect_struct(TType type, const char* what) const;
  int32_t i32_element();
  std::string binary_element();
  // Skips a field's value (a field not needed).
  void skip(TType type);
  // The bytes read so far.
  size_t consumed() const;

 private:
  static void expect(TType type, TType wanted, const char* what);

  size_t size_;
  std::shared_ptr<apache::thrift::transport::TMemoryBuffer> buffer_;
  apache::thrift::protocol::TCompactProtocolT<apache::thrift::transport::TMemoryBuffer> in_;
};

}  // namespace sluice::operators::delta
