#include "operators/file/csv_record_parser.h"

namespace sluice::operators::file {
namespace {

// Where a malformed record ends: just past the next line break, or at the end of the data when
// no more comes; npos while the line break may still be in data not read yet (a file being
// written): the record is then incomplete, so that the rest of its line is not taken for a
// record of its own once it arrives.
size_t skip_line(std::string_view d, size_t i, bool at_eof) {
  size_t nl = d.find('\n', i);
  if (nl != std::string_view::npos) return nl + 1;
  return at_eof ? d.size() : std::string_view::npos;
}

}  // namespace

CsvRecordParser::Outcome CsvRecordParser::parse(std::string_view d, bool at_eof,
                                                std::vector<std::string>& fields) {
  Outcome o;
  if (d.empty()) return o;  // Incomplete: nothing to parse
  size_t nfields = 0;
  auto next_field = [&]() -> std::string& {
    if (nfields == fields.size()) fields.emplace_back();
    std::string& f = fields[nfields++];
    f.clear();
    return f;
  };
  size_t i = 0;
  const size_t n = d.size();
  size_t newlines = 0;
  while (true) {
    std::string& f = next_field();
    if (i < n && d[i] == '"') {
      ++i;
      while (true) {
        if (i >= n) {
          fields.resize(nfields);
          if (at_eof) {
            o.status = Status::Malformed;
            o.error = "unterminated quoted field";
            o.consumed = n;
            o.newlines = newlines;
          }
          return o;  // Incomplete otherwise
        }
        char c = d[i];
        if (c == '"') {
          if (i + 1 < n && d[i + 1] == '"') {
            f.push_back('"');
            i += 2;
            continue;
          }
          if (i + 1 >= n && !at_eof) {
            fields.resize(nfields);
            return o;  // cannot tell yet whether "" follows
          }
          ++i;
          break;
        }
        if (c == '\n') ++newlines;
        f.push_back(c);
        ++i;
      }
      // After a closing quote: a separator, a line break or the end.
      if (i < n && d[i] != ',' && d[i] != '\n' &&
          !(d[i] == '\r' && i + 1 < n && d[i + 1] == '\n')) {
        if (d[i] == '\r' && i + 1 >= n && !at_eof) {
          fields.resize(nfields);
          return o;
        }
        fields.resize(nfields);
        size_t end = skip_line(d, i, at_eof);
        if (end == std::string_view::npos) return o;
        o.status = Status::Malformed;
        o.error = "unexpected character after a closing quote";
        o.consumed = end;
        o.newlines = newlines + (o.consumed > 0 && d[o.consumed - 1] == '\n' ? 1 : 0);
        return o;
      }
    } else {
      size_t start = i;
      while (i < n && d[i] != ',' && d[i] != '\n') {
        if (d[i] == '"') {
          fields.resize(nfields);
          size_t end = skip_line(d, i, at_eof);
          if (end == std::string_view::npos) return o;
          o.status = Status::Malformed;
          o.error = "quote inside an unquoted field";
          o.consumed = end;
          o.newlines = newlines + (o.consumed > 0 && d[o.consumed - 1] == '\n' ? 1 : 0);
          return o;
        }
        ++i;
      }
      size_t end = i;
      if (i < n && d[i] == '\n' && end > start && d[end - 1] == '\r') --end;
      if (i >= n && !at_eof) {
        fields.resize(nfields);
        return o;  // Incomplete: the record goes on in data not read yet
      }
      if (i >= n && end > start && d[end - 1] == '\r') --end;
      f.assign(d.data() + start, end - start);
    }
    if (i >= n) {  // at_eof: final record without a line break
      fields.resize(nfields);
      o.status = Status::Ok;
      o.consumed = n;
      o.newlines = newlines;
      return o;
    }
    if (d[i] == ',') {
      ++i;
      continue;
    }
    if (d[i] == '\r') ++i;  // CRLF after a quoted field
    // d[i] == '\n'
    ++i;
    ++newlines;
    fields.resize(nfields);
    o.status = Status::Ok;
    o.consumed = i;
    o.newlines = newlines;
    return o;
  }
}

}  // namespace sluice::operators::file
