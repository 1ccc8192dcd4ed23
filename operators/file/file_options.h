// The options of `source file` and `sink file` as declared in their specs (file_spec.cpp).
#pragma once
#include <cstdint>
#include <string>

namespace sluice::operators::file {

// In the order of the format option's enum_values (file_spec.cpp).
enum class Format : uint8_t { Jsonl, Json, Csv };

struct FileSourceOptions {
  std::string path;
  Format format = Format::Jsonl;
  bool follow = false;
  std::string dead_letter;
  std::string on_error;  // "", dead_letter, skip, fail
};

struct FileSinkOptions {
  std::string path;
};

}  // namespace sluice::operators::file
