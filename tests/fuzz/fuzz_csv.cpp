// CSV records (operators/file/csv_record_parser.cpp CsvRecordParser::parse, what the file source
// reads, header first). Parsed twice: the whole input at once (at end of file), and as the file
// source meets it while a file grows: the bytes arrive a chunk at a time and a record is taken
// only once parse() says it is complete. Both must give the same records and line counts, and
// every complete record must consume bytes (no endless loop). A crash, sanitizer report,
// exception or a difference is a failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "operators/file/csv_record_parser.h"

using sluice::operators::file::CsvRecordParser;

namespace {

struct Record {
  CsvRecordParser::Status status;
  size_t newlines;
  std::vector<std::string> fields;
  bool operator==(const Record& o) const {
    return status == o.status && newlines == o.newlines && fields == o.fields;
  }
};

// Parses `d` like FileSource::poll_lines: `avail` bytes are readable now, more come `chunk` at a
// time, and at_eof only once everything was read.
std::vector<Record> parse_all(std::string_view d, size_t chunk) {
  std::vector<Record> out;
  std::vector<std::string> fields;
  size_t at = 0, avail = std::min(d.size(), chunk);
  while (at < d.size()) {
    bool eof = avail == d.size();
    auto o = CsvRecordParser::parse(d.substr(at, avail - at), eof, fields);
    if (o.status == CsvRecordParser::Status::Incomplete) {
      if (eof) break;
      avail = std::min(d.size(), avail + chunk);
      continue;
    }
    if (o.consumed == 0 || o.consumed > avail - at) {
      std::fprintf(stderr, "parse consumed %zu of %zu bytes\n", o.consumed, avail - at);
      std::abort();
    }
    at += o.consumed;
    out.push_back({o.status, o.newlines, fields});
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size of the growing file (1..64 bytes).
  size_t chunk = static_cast<size_t>(data[0] % 64) + 1;
  std::string_view d(reinterpret_cast<const char*>(data + 1), size - 1);
  auto whole = parse_all(d, d.size() + 1);
  auto chunked = parse_all(d, chunk);
  if (whole != chunked) {
    std::fprintf(stderr, "whole: %zu records, in chunks of %zu: %zu records\n", whole.size(), chunk,
                 chunked.size());
    std::abort();
  }
  return 0;
}
