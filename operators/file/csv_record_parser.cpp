#include "operators/file/csv_record_parser.h"

#include <optional>

namespace sluice::operators::file {
namespace {

using Outcome = CsvRecordParser::Outcome;
using Status = CsvRecordParser::Status;

// One parse: the data, whether more will come, the position and the line breaks so far.
struct Cursor {
  std::string_view d;
  bool at_eof = false;
  size_t i = 0;
  size_t newlines = 0;

  bool at_end() const { return i >= d.size(); }
  // The position holds a line break: LF, or CRLF.
  bool line_break() const {
    return d[i] == '\n' || (d[i] == '\r' && i + 1 < d.size() && d[i + 1] == '\n');
  }
};

// Where a malformed record ends: just past the next line break, or at the end of the data when
// no more comes; npos while the line break may still be in data not read yet (a file being
// written): the record is then incomplete, so that the rest of its line is not taken for a
// record of its own once it arrives.
size_t skip_line(std::string_view d, size_t i, bool at_eof) {
  size_t nl = d.find('\n', i);
  if (nl != std::string_view::npos) return nl + 1;
  return at_eof ? d.size() : std::string_view::npos;
}

// A malformed record, consumed up to the end of its line so parsing can continue (incomplete
// while that line's end is not read yet).
Outcome malformed_line(const Cursor& c, const char* error) {
  Outcome o;
  const size_t end = skip_line(c.d, c.i, c.at_eof);
  if (end == std::string_view::npos) return o;
  o.status = Status::Malformed;
  o.error = error;
  o.consumed = end;
  o.newlines = c.newlines + (o.consumed > 0 && c.d[o.consumed - 1] == '\n' ? 1 : 0);
  return o;
}

// The inside of a quoted field (c.i just past its opening quote) into f; an outcome when
// parsing stops in it (Incomplete: the data ends before it does).
std::optional<Outcome> quoted_text(Cursor& c, std::string& f) {
  const size_t n = c.d.size();
  while (true) {
    if (c.at_end()) {
      Outcome o;  // Incomplete unless no more data will come
      if (c.at_eof) {
        o.status = Status::Malformed;
        o.error = "unterminated quoted field";
        o.consumed = n;
        o.newlines = c.newlines;
      }
      return o;
    }
    char ch = c.d[c.i];
    if (ch == '"') {
      if (c.i + 1 < n && c.d[c.i + 1] == '"') {
        f.push_back('"');
        c.i += 2;
        continue;
      }
      if (c.i + 1 >= n && !c.at_eof) return Outcome();  // cannot tell yet whether "" follows
      ++c.i;
      return std::nullopt;
    }
    if (ch == '\n') ++c.newlines;
    f.push_back(ch);
    ++c.i;
  }
}

// A quoted field (c.i at its opening quote), then a separator, a line break or the end.
std::optional<Outcome> quoted_field(Cursor& c, std::string& f) {
  ++c.i;
  if (auto stop = quoted_text(c, f)) return stop;
  if (c.at_end() || c.d[c.i] == ',' || c.line_break()) return std::nullopt;
  if (c.d[c.i] == '\r' && c.i + 1 >= c.d.size() && !c.at_eof) return Outcome();
  return malformed_line(c, "unexpected character after a closing quote");
}

// An unquoted field up to a separator or a line break (its CR left out).
std::optional<Outcome> unquoted_field(Cursor& c, std::string& f) {
  const size_t n = c.d.size();
  size_t start = c.i;
  while (c.i < n && c.d[c.i] != ',' && c.d[c.i] != '\n') {
    if (c.d[c.i] == '"') return malformed_line(c, "quote inside an unquoted field");
    ++c.i;
  }
  size_t end = c.i;
  if (c.i < n && c.d[c.i] == '\n' && end > start && c.d[end - 1] == '\r') --end;
  if (c.at_end() && !c.at_eof) return Outcome();  // the record goes on in data not read yet
  if (c.at_end() && end > start && c.d[end - 1] == '\r') --end;
  f.assign(c.d.data() + start, end - start);
  return std::nullopt;
}

// After the record's last field: its line break, or the end of the data (at_eof: a final
// record without a line break).
Outcome record_end(Cursor& c) {
  Outcome o;
  o.status = Status::Ok;
  if (c.at_end()) {
    o.consumed = c.d.size();
  } else {
    if (c.d[c.i] == '\r') ++c.i;  // CRLF after a quoted field
    ++c.i;                        // the '\n'
    ++c.newlines;
    o.consumed = c.i;
  }
  o.newlines = c.newlines;
  return o;
}

}  // namespace

CsvRecordParser::Outcome CsvRecordParser::parse(std::string_view d, bool at_eof,
                                                std::vector<std::string>& fields) {
  if (d.empty()) return Outcome();  // Incomplete: nothing to parse
  Cursor c{d, at_eof};
  size_t nfields = 0;
  while (true) {
    if (nfields == fields.size()) fields.emplace_back();
    std::string& f = fields[nfields++];
    f.clear();
    auto stop = !c.at_end() && d[c.i] == '"' ? quoted_field(c, f) : unquoted_field(c, f);
    if (!stop && !c.at_end() && d[c.i] == ',') {
      ++c.i;
      continue;
    }
    fields.resize(nfields);
    return stop ? std::move(*stop) : record_end(c);
  }
}

}  // namespace sluice::operators::file
