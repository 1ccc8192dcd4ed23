// Lets the sink hand pre-encoded COPY text (many rows, tab separated, escaped) to
// pqxx::stream_to in one call. libpqxx 6.4 keeps stream_to::write_raw_line private and only
// offers a per-row, per-field escaping operator<<; an explicit specialization of that member
// template for RawCopyChunk is a member too, so it may call write_raw_line. The chunk holds
// complete rows separated by '\n' WITHOUT the final newline (write_raw_line appends it).
#pragma once
#include <pqxx/pqxx>
#include <string>

namespace sluice::operators::postgres {
struct RawCopyChunk {
  const std::string* text;
};
}  // namespace sluice::operators::postgres

namespace pqxx {
template <>
inline stream_to& stream_to::operator<< <sluice::operators::postgres::RawCopyChunk>(
    const sluice::operators::postgres::RawCopyChunk& chunk) {
  write_raw_line(*chunk.text);
  return *this;
}
}  // namespace pqxx
