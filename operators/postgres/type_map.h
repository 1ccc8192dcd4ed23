// Sluice value types and source column types -> PostgreSQL column types (docs/postgres.md).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/value.h"

namespace sluice::operators::postgres {

// How a value is written into a column of a given PostgreSQL type (COPY text format).
enum class ColKind : uint8_t {
  Plain,      // text representation parsed by the server (numbers, dates, text, ...)
  Json,       // json/jsonb: every value JSON-encoded
  TextArray,  // text[] (MySQL SET): a List becomes an array literal
  Bytea,      // bytea: hex escape
  Bool,       // boolean: t/f
};

// The type a column gets when created from a value (no source type known). "" for Null.
// Decimal -> numeric, Int -> bigint, UInt -> numeric(20), Float -> double precision,
// String -> text, Bytes -> bytea, Date -> date, Time -> text, DateTime -> timestamp,
// Timestamp -> timestamptz, Object/List -> jsonb, Bool -> boolean.
std::string pg_type_for_value(Type t);

// The exact PostgreSQL type for a MySQL/MariaDB column type as written in its DDL
// ("decimal(15,2)" -> numeric(15,2), "bigint unsigned" -> numeric(20), "set('a','b')" ->
// text[], "enum(...)" -> text, "datetime(6)" -> timestamp(6), "timestamp" -> timestamptz,
// "json" -> jsonb, "blob" -> bytea, "time" -> text). "" when unknown.
std::string pg_type_for_source(std::string_view source_type);
// Whether a column of type `from` (format_type text) can take every value of `to` and `to`
// differs: the source's type was widened (INT to BIGINT, DECIMAL(10,2) to DECIMAL(12,4), FLOAT
// to DOUBLE). Only numbers: smallint, integer, bigint, numeric(p[,s]), real, double precision.
bool pg_type_widens(std::string_view from, std::string_view to);

// The write kind of a PostgreSQL type as format_type() prints it.
ColKind col_kind_for(std::string_view pg_type);

}  // namespace sluice::operators::postgres
