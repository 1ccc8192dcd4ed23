// The canonical text sluice reconcile compares a MySQL value and its PostgreSQL copy by
// (PostgresTarget): canonicalized by the MySQL column type so both text forms agree —
// timestamps in UTC without trailing fraction zeros or `+00`, bytes as hex, BIT as the number its
// bytes make, a SET as its labels joined by commas, a spatial value as the WKB / EWKB the source
// makes of it, a date the calendar lacks (0000-00-00) as NULL, PostgreSQL booleans as 1/0,
// floats through %.15g, JSON re-encoded with its keys sorted as jsonb sorts them. A MongoDB
// document's field compares by the PostgreSQL column type the table has
// (postgres_column_canonical).
#pragma once
#include <string>

namespace sluice::reconcile {

// A value of a MySQL column type (data_type as in information_schema, "json" for JSON columns)
// as read from MySQL (from_pg false) or from PostgreSQL (true).
std::string postgres_canonical(const std::string& data_type, const std::string& text, bool from_pg);

// A value of a PostgreSQL column of type `pg_type` (as format_type prints it), in either text
// form: as PostgreSQL returns it (UTC session, bytea as hex) or as the postgres sink writes it
// (pg_text of the column's kind). Numbers by value (numeric without trailing fraction zeros,
// floats through %.15g), timestamps without `T`, zone or trailing fraction zeros, bytes as
// lowercase hex, JSON re-encoded with its objects' keys sorted (as jsonb orders them, whatever
// order they came in).
std::string postgres_column_canonical(const std::string& pg_type, const std::string& text);

}  // namespace sluice::reconcile
