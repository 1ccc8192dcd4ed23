// Source `file` (DSL.md §9): reads JSON lines, a JSON array or CSV; each record is a create
// ("c") event whose row is the parsed object.
//
// Positions: jsonl/csv -> the byte offset just after the record (Int); json -> the number of
// array elements consumed (Int; the next record's index). checkpoint_state() is
// "OFFSET:LINE" (jsonl/csv; LINE = lines consumed, for messages) or "INDEX" (json), and
// open(state) resumes exactly there. CSV resumes re-read the header row first.
//
// Malformed input (a line that is not a JSON object, a CSV record with a bad quote or a
// different number of fields than the header, a non-object array element) is a dead letter
// when the stage has `dead_letter` (or an explicit `on_error`): take_dead() hands it to the
// engine as a create event with row {path, line, raw} (raw: the line's text; CSV: the fields
// as parsed, joined by commas; JSON: the element) and DeadLetterInfo kind "decode", message
// "FILE:LINE: why". Without either it is skipped: counted (skipped()) and logged as a warning
// naming FILE:LINE (the first 20, then every 1000th). Either way the checkpoint moves past it.
//
// follow = true: at the end of the file the source reports Idle (never End) and picks up
// data appended later; a final line without its line break is only read once it is
// complete. For format = json, follow re-reads the array when the file changes and emits the
// elements past the resume index.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/file/csv_record_parser.h"
#include "operators/file/file_options.h"
#include "operators/file/file_tail.h"

namespace sluice::operators::file {

class FileSource : public Source {
 public:
  FileSource(const std::string& stage, const FileSourceOptions& options);
  static result<std::unique_ptr<Source>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<Poll> poll(size_t max, std::vector<Event>& out) override;
  std::string checkpoint_state() const override;
  void close() override { tail_.close(); }
  void take_dead(std::vector<Event>& out) override;

  uint64_t skipped() const { return skipped_; }

 private:
  // jsonl and csv: a record at a time, reading more of the file as needed.
  result<Poll> poll_lines(size_t max, std::vector<Event>& out);
  enum class LineStep : uint8_t { Next, Emitted, Stop };  // Stop: no complete record yet
  result<void> read_more(bool& eof);
  // Skips a UTF-8 BOM at the start of the file; true when it consumed or read something.
  result<bool> skip_bom(bool& eof);
  result<LineStep> csv_step(bool& eof, int64_t now, std::vector<Event>& out);
  // The first record: the column names (then the resume position of the state, if any).
  result<void> csv_header(const CsvRecordParser::Outcome& o);
  result<LineStep> jsonl_step(bool& eof, int64_t now, std::vector<Event>& out);
  result<Poll> poll_json(size_t max, std::vector<Event>& out);
  // Returns false when the record must be skipped (warning logged).
  bool csv_row(const std::vector<std::string>& fields, Object& row);
  // A malformed record: a dead letter (dead_letters_) or a counted, logged skip.
  void warn_skip(uint64_t line, const std::string& why, std::string raw);
  void emit(Object&& row, int64_t position, int64_t now, std::vector<Event>& out);

  std::string path_;
  Format format_;
  bool follow_;
  std::shared_ptr<const SourceMeta> meta_;
  FileTail tail_;
  bool opened_ = false;
  uint64_t resume_offset_ = 0;
  uint64_t line_ = 0;  // lines consumed
  uint64_t state_line_ = 0;
  // csv
  bool have_header_ = false;
  std::vector<Sym> header_;
  std::vector<std::string> fields_;
  // json
  List array_;
  bool array_loaded_ = false;
  uint64_t array_size_on_disk_ = 0;
  int64_t index_ = 0;  // next array element
  uint64_t skipped_ = 0;
  bool dead_letters_ = false;
  std::string stage_;
  std::vector<Event> dead_;
};

}  // namespace sluice::operators::file
