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
  JsonText,   // json/jsonb for a source column of text type: a string is the document's text
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
// The type a column of type `column` (format_type text) gets so that it takes every value of a
// source's type `source` (pg_type_for_source text) as well, when it does not now: the source's
// type was widened (INT to BIGINT, DECIMAL(10,2) to DECIMAL(12,4), FLOAT to DOUBLE, DATETIME to
// DATETIME(6)) or a table made by hand is narrower (numeric(10,0) for DECIMAL(10,2) becomes
// numeric(12,2)). Within a family only: smallint, integer, bigint, numeric(p[,s]); real, double
// precision; timestamp(n); timestamptz(n). "" when the column holds them or is of another family.
std::string pg_type_holding(std::string_view column, std::string_view source);
// What PostgreSQL does, without an error, to a source's values (pg_type_for_source text) written
// into a column of type `column` (format_type text), when it changes them: "rounds the values to
// 2 decimal(s)", "drops the time of day", "rounds the values to whole seconds", "keeps about 6
// significant digits of the values"; "" when the values are kept (or refused with an error).
std::string pg_type_rounding(std::string_view column, std::string_view source);

// json/jsonb (ColKind::Json or JsonText).
inline bool is_json(ColKind k) { return k == ColKind::Json || k == ColKind::JsonText; }

// The write kind of a PostgreSQL type as format_type() prints it.
ColKind col_kind_for(std::string_view pg_type);

}  // namespace sluice::operators::postgres
