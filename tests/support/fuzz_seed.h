// Test inputs as seeds of the fuzz targets (tests/fuzz, docs/testing.md "Fuzzing"): with
// SLUICE_FUZZ_SEEDS=DIR in the environment, fuzz_seed() writes the bytes a test hands a decoder
// to DIR/<target>/<hash of the bytes>; without it, it does nothing. tests/fuzz/make_corpus.sh
// runs the tests that call it and keeps what adds coverage in tests/fuzz/corpus/<target>/.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

namespace sluice::test {

inline void fuzz_seed(const char* target, std::string_view bytes) {
  const char* dir = std::getenv("SLUICE_FUZZ_SEEDS");
  if (dir == nullptr || *dir == '\0' || bytes.empty()) return;
  uint64_t h = 14695981039346656037ull;  // FNV-1a: equal inputs, one file
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char name[17];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
  std::filesystem::path d = std::filesystem::path(dir) / target;
  std::filesystem::create_directories(d);
  std::ofstream(d / name, std::ios::binary).write(bytes.data(), static_cast<long>(bytes.size()));
}

inline void fuzz_seed(const char* target, const std::vector<uint8_t>& bytes) {
  fuzz_seed(target, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace sluice::test
