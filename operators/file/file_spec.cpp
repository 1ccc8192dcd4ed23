#include "operators/file/file_spec.h"

namespace sluice::operators::file {

using dsl::OptionSpec;
using dsl::OptType;

dsl::KindSpec source_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Source;
  k.kind = "file";
  k.summary =
      "Reads records from a local file: JSON lines, a JSON array or CSV. Each record becomes a "
      "create (\"c\") event; @table is the file name without its extension. A malformed record "
      "goes to the dead_letter sink (kind \"decode\", message \"FILE:LINE: why\", row {path, "
      "line, raw}); without dead_letter it is skipped with a warning naming FILE:LINE "
      "(counted). The checkpoint moves past it either way.";
  OptionSpec path;
  path.name = "path";
  path.type = OptType::String;
  path.required = true;
  path.doc = "The file to read (relative paths are relative to the working directory).";
  OptionSpec format;
  format.name = "format";
  format.type = OptType::Enum;
  format.enum_values = {"jsonl", "json", "csv"};
  format.default_text = "jsonl";
  format.doc =
      "jsonl: one JSON object per line (the position is the byte offset after the line). "
      "json: one top-level array of objects (the position is the element number). csv: RFC "
      "4180, the first row names the columns; every value is a string (no type guessing: "
      "convert with to_int(), to_decimal(x, scale), to_date() in a transform); an empty field is "
      "the empty string.";
  OptionSpec follow;
  follow.name = "follow";
  follow.type = OptType::Bool;
  follow.default_text = "false";
  follow.doc =
      "true: keep reading data appended to the file (like tail -f); the source never ends. "
      "false: the source ends at the end of the file.";
  OptionSpec dead_letter;
  dead_letter.name = "dead_letter";
  dead_letter.type = OptType::String;
  dead_letter.doc = "The sink that receives malformed records (a stage name).";
  OptionSpec on_error;
  on_error.name = "on_error";
  on_error.type = OptType::Enum;
  on_error.enum_values = {"dead_letter", "skip", "fail"};
  on_error.doc =
      "A malformed record: dead_letter (default when dead_letter is set) | skip (default "
      "otherwise; logged, counted) | fail.";
  k.options = {path, format, follow, dead_letter, on_error};
  return k;
}

dsl::KindSpec sink_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Sink;
  k.kind = "file";
  k.summary =
      "Appends one JSON object per event and line: {\"op\",\"source\",\"key\",\"before\","
      "\"after\"}; dead letters as {\"error\": {...}, \"event\": {...}}. Exactly once: the file "
      "is cut back to its last checkpointed length on restart.";
  OptionSpec path;
  path.name = "path";
  path.type = OptType::String;
  path.required = true;
  path.doc = "The file to write; missing directories are created.";
  OptionSpec format;
  format.name = "format";
  format.type = OptType::Enum;
  format.enum_values = {"jsonl"};
  format.default_text = "jsonl";
  format.doc =
      "jsonl: one JSON object per line (the JSON encoding of docs/language.md, \"Types\").";
  k.options = {path, format};
  return k;
}

}  // namespace sluice::operators::file
