// COPY ... FROM STDIN (FORMAT binary) for the sink's row batches: PostgreSQL then parses no
// text (integers, numerics, dates and timestamps arrive in their internal form), and the sink
// formats none. A column type without a binary form here (BinType::None: uuid, interval,
// time, enums, ...) or a value that does not fit its column exactly (e.g. a string into a
// bigint column, which text COPY would parse) makes the caller use text COPY for that batch,
// so both paths store the same values.
#pragma once
#include <cstdint>
#include <string>

#include "base/value.h"
#include "operators/postgres/type_map.h"

namespace pqxx {
class dbtransaction;
}

namespace sluice::operators::postgres {

enum class BinType : uint8_t {
  None,
  Int8,
  Int4,
  Int2,
  Numeric,
  Text,
  Char,  // "char" (one byte)
  Timestamp,
  TimestampTz,
  Date,
  Bool,
  Float8,
  Jsonb,
  Json,
  Bytea,
  TextArray,
};

// The binary form for a column of this format_type() text.
BinType bin_type_for(const std::string& pg_type);

// "PGCOPY\n\377\r\n\0", flags, header extension length.
void append_binary_header(std::string& out);
void append_binary_int16(int16_t v, std::string& out);
// One field (int32 length + bytes; -1 for NULL). False when `v` has no exact binary form for
// this column: nothing sensible was appended, the caller falls back to text COPY.
bool append_binary_field(const Value& v, BinType t, ColKind kind, std::string& out);
// A field of raw bytes (text, json, "char" columns).
void append_binary_bytes(std::string_view bytes, std::string& out);

// `COPY target (columns) FROM STDIN (FORMAT binary)` in tx, its data sent piece by piece as
// it is encoded, so that PostgreSQL parses and inserts one piece while the next is encoded.
// Nothing is sent before the first put() or end(). All calls throw pqxx exceptions
// (pqxx::sql_error with the SQLSTATE, broken_connection); errors of the rows come from end().
class BinaryCopyIn {
 public:
  BinaryCopyIn(pqxx::dbtransaction& tx, std::string target, std::string columns)
      : tx_(tx), target_(std::move(target)), columns_(std::move(columns)) {}
  // Sends `data` (the header first, then whole or partial tuples) and clears it.
  void put(std::string& data);
  // Sends `data` (ending with the trailer) and ends the COPY.
  void end(std::string& data);

 private:
  void start();
  pqxx::dbtransaction& tx_;
  std::string target_;
  std::string columns_;
  bool started_ = false;
};

}  // namespace sluice::operators::postgres
