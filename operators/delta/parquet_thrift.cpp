#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

using apache::thrift::protocol::TType;

ParquetThrift::ParquetThrift()
    : buffer_(std::make_shared<apache::thrift::transport::TMemoryBuffer>()), out_(buffer_) {}

void ParquetThrift::reset() { buffer_->resetBuffer(); }

void ParquetThrift::struct_begin() { out_.writeStructBegin(""); }

void ParquetThrift::struct_end() {
  out_.writeFieldStop();
  out_.writeStructEnd();
}

void ParquetThrift::struct_field(int16_t id) { out_.writeFieldBegin("", TType::T_STRUCT, id); }

void ParquetThrift::list_field(int16_t id, TType element, uint32_t n) {
  out_.writeFieldBegin("", TType::T_LIST, id);
  out_.writeListBegin(element, n);
}

void ParquetThrift::i32_field(int16_t id, int32_t v) {
  out_.writeFieldBegin("", TType::T_I32, id);
  out_.writeI32(v);
}

void ParquetThrift::i64_field(int16_t id, int64_t v) {
  out_.writeFieldBegin("", TType::T_I64, id);
  out_.writeI64(v);
}

void ParquetThrift::i8_field(int16_t id, int8_t v) {
  out_.writeFieldBegin("", TType::T_BYTE, id);
  out_.writeByte(v);
}

void ParquetThrift::bool_field(int16_t id, bool v) {
  out_.writeFieldBegin("", TType::T_BOOL, id);
  out_.writeBool(v);
}

void ParquetThrift::binary_field(int16_t id, const std::string& v) {
  out_.writeFieldBegin("", TType::T_STRING, id);
  out_.writeBinary(v);
}

void ParquetThrift::i32_element(int32_t v) { out_.writeI32(v); }

void ParquetThrift::binary_element(const std::string& v) { out_.writeBinary(v); }

void ParquetThrift::empty_struct_field(int16_t id) {
  struct_field(id);
  struct_begin();
  struct_end();
}

void ParquetThrift::view(const uint8_t*& data, uint32_t& size) {
  uint8_t* p = nullptr;
  buffer_->getBuffer(&p, &size);
  data = p;
}

std::string ParquetThrift::str() { return buffer_->getBufferAsString(); }

}  // namespace sluice::operators::delta
