#include "operators/file/file_spec.h"

#include "operators/common/dead_letter_options.h"

namespace sluice::operators::file {
namespace {

BoundSpec<FileSourceOptions> make_source_spec() {
  BoundSpec<FileSourceOptions> k(
      dsl::Role::Source, "file",
      "Reads records from a local file: JSON lines, a JSON array or CSV. Each record becomes a "
      "create (\"c\") event; @table is the file name without its extension. A malformed record "
      "goes to the dead_letter sink (kind \"decode\", message \"FILE:LINE: why\", row {path, "
      "line, raw}); without dead_letter it is skipped with a warning naming FILE:LINE "
      "(counted). The checkpoint moves past it either way.");
  OptionSpec path =
      option("path", OptType::String, true, "",
             "The file to read (relative paths are relative to the working directory).");
  OptionSpec format = enum_option(
      "format", {"jsonl", "json", "csv"}, "jsonl",
      "jsonl: one JSON object per line (the position is the byte offset after the line). "
      "json: one top-level array of objects (the position is the element number). csv: RFC "
      "4180, the first row names the columns; every value is a string (no type guessing: "
      "convert with to_int(), to_decimal(x, scale), to_date() in a transform); an empty field is "
      "the empty string.");
  OptionSpec follow =
      option("follow", OptType::Bool, "false",
             "true: keep reading data appended to the file (like tail -f); the source never ends. "
             "false: the source ends at the end of the file.");
  using O = FileSourceOptions;
  k.add(path, &O::path).add(format, &O::format).add(follow, &O::follow);
  add_dead_letter_options(k, "malformed records",
                          "A malformed record: dead_letter (default when dead_letter is set) | "
                          "skip (default otherwise; logged, counted) | fail.");
  k.spec().inserts_only = true;
  return k;
}

BoundSpec<FileSinkOptions> make_sink_spec() {
  BoundSpec<FileSinkOptions> k(
      dsl::Role::Sink, "file",
      "Appends one JSON object per event and line: {\"op\",\"source\",\"key\",\"before\","
      "\"after\"}; dead letters as {\"error\": {...}, \"event\": {...}}. Exactly once: the file "
      "is cut back to its last checkpointed length on restart.");
  OptionSpec path = option("path", OptType::String, true, "",
                           "The file to write; missing directories are created.");
  OptionSpec format = enum_option(
      "format", {"jsonl"}, "jsonl",
      "jsonl: one JSON object per line (the JSON encoding of docs/language.md, \"Types\").");
  k.add(path, &FileSinkOptions::path).add(format);
  return k;
}

}  // namespace

const BoundSpec<FileSourceOptions>& bound_source_spec() { return built_once<make_source_spec>(); }
const BoundSpec<FileSinkOptions>& bound_sink_spec() { return built_once<make_sink_spec>(); }

}  // namespace sluice::operators::file
