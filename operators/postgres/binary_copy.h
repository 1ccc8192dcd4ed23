// COPY ... FROM STDIN (FORMAT binary) for the sink's row batches: PostgreSQL then parses no
// text (integers, numerics, dates and timestamps arrive in their internal form), and the sink
// formats none. A column type without a binary form here (BinType::None: uuid, interval,
// time, enums, ...) or a value that does not fit its column exactly (e.g. a string into a
// bigint column, which text COPY would parse) makes the caller use text COPY for that batch,
// so both paths store the same values.
#pragma once
#include <cstdint>
#include <string>

#include "engine/value/value.h"
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

// Runs `COPY target (columns) FROM STDIN (FORMAT binary)` in tx with `data` (header and
// tuples). Throws pqxx exceptions (pqxx::sql_error with the SQLSTATE, broken_connection).
void copy_binary(pqxx::dbtransaction& tx, const std::string& target, const std::string& columns,
                 const std::string& data);

}  // namespace sluice::operators::postgres
