#include "operators/delta/parquet_read_thrift.h"

#include <thrift/TConfiguration.h>

#include <algorithm>
#include <limits>

#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

namespace {

using apache::thrift::protocol::TType;

constexpr size_t kParquetReadThriftMax = std::numeric_limits<int32_t>::max();

int32_t parquet_read_thrift_limit(std::string_view bytes) {
  return static_cast<int32_t>(std::min(bytes.size(), kParquetReadThriftMax));
}

// A buffer that observes bytes, with a message size limit of exactly their number.
std::shared_ptr<apache::thrift::transport::TMemoryBuffer> parquet_read_thrift_buffer(
    std::string_view bytes) {
  int32_t n = parquet_read_thrift_limit(bytes);
  auto config = std::make_shared<apache::thrift::TConfiguration>(std::max(n, 1));
  // TMemoryBuffer does not write to an observed buffer.
  auto* data = reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data()));
  static uint8_t empty = 0;
  if (data == nullptr) data = &empty;
  return std::make_shared<apache::thrift::transport::TMemoryBuffer>(
      data, static_cast<uint32_t>(n), apache::thrift::transport::TMemoryBuffer::OBSERVE, config);
}

}  // namespace

ParquetReadThrift::ParquetReadThrift(std::string_view bytes)
    : size_(static_cast<size_t>(parquet_read_thrift_limit(bytes))),
      buffer_(parquet_read_thrift_buffer(bytes)),
      // Strings and lists longer than the bytes are refused before anything is allocated.
      in_(buffer_, std::max(parquet_read_thrift_limit(bytes), 1),
          std::max(parquet_read_thrift_limit(bytes), 1)) {}

void ParquetReadThrift::struct_begin() {
  std::string name;
  in_.readStructBegin(name);
}

void ParquetReadThrift::struct_end() { in_.readStructEnd(); }

bool ParquetReadThrift::field(int16_t& id, TType& type) {
  std::string name;
  in_.readFieldBegin(name, type, id);
  return type != TType::T_STOP;
}

void ParquetReadThrift::expect(TType type, TType wanted, const char* what) {
  if (type != wanted) {
    throw ParquetReadError(std::string(what) + " has Thrift type " + std::to_string(type) +
                           " instead of " + std::to_string(wanted));
  }
}

void ParquetReadThrift::expect_struct(TType type, const char* what) const {
  expect(type, TType::T_STRUCT, what);
}

int32_t ParquetReadThrift::i32(TType type, const char* what) {
  expect(type, TType::T_I32, what);
  return i32_element();
}

int64_t ParquetReadThrift::i64(TType type, const char* what) {
  expect(type, TType::T_I64, what);
  int64_t v = 0;
  in_.readI64(v);
  return v;
}

int8_t ParquetReadThrift::i8(TType type, const char* what) {
  expect(type, TType::T_BYTE, what);
  int8_t v = 0;
  in_.readByte(v);
  return v;
}

bool ParquetReadThrift::boolean(TType type, const char* what) {
  expect(type, TType::T_BOOL, what);
  bool v = false;
  in_.readBool(v);
  return v;
}

std::string ParquetReadThrift::binary(TType type, const char* what) {
  expect(type, TType::T_STRING, what);
  return binary_element();
}

uint32_t ParquetReadThrift::list(TType type, TType element, const char* what) {
  expect(type, TType::T_LIST, what);
  TType got = TType::T_STOP;
  uint32_t n = 0;
  in_.readListBegin(got, n);
  if (n > 0) expect(got, element, what);
  return n;
}

int32_t ParquetReadThrift::i32_element() {
  int32_t v = 0;
  in_.readI32(v);
  return v;
}

std::string ParquetReadThrift::binary_element() {
  std::string v;
  in_.readBinary(v);
  return v;
}

void ParquetReadThrift::skip(TType type) { apache::thrift::protocol::skip(in_, type); }

size_t ParquetReadThrift::consumed() const { return size_ - buffer_->available_read(); }

}  // namespace sluice::operators::delta
