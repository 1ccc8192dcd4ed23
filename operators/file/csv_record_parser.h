// RFC 4180 CSV: fields separated by commas, records by LF or CRLF; a field in double quotes
// may hold commas, line breaks and "" (one quote). Values are kept as text (no type guessing).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::operators::file {

class CsvRecordParser {
 public:
  enum class Status { Ok, Incomplete, Malformed };
  struct Outcome {
    Status status = Status::Incomplete;
    size_t consumed = 0;  // bytes of the record incl. its line break (Ok and Malformed)
    size_t newlines = 0;  // line breaks consumed (for line numbers)
    std::string error;    // Malformed: what was wrong
  };
  // Parses one record from the start of `data`. at_eof: no more data will come now, so a
  // final record without a line break is complete. Malformed records are consumed up to the
  // end of their line so parsing can continue (Incomplete until that line break is in `data`,
  // or at_eof).
  static Outcome parse(std::string_view data, bool at_eof, std::vector<std::string>& fields);
};

}  // namespace sluice::operators::file
