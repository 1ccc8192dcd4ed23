// A character set's characters as the server itself converts them to UTF-8: read from the
// server once per character set (CONVERT(X'…' USING cs) of every one-byte code, every two-byte
// code after a byte that is no character alone, and the three-byte codes after a byte that starts
// no two-byte one: EUC-JP's JIS X 0212). Binlog text then decodes to exactly the string SELECT
// returns through a utf8mb4 connection; iconv's tables differ from MariaDB's in places (cp1256,
// cp866, greek, geostd8, armscii8, sjis's 0x5C and 0x7E, ujis's user-defined area, ...).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"

namespace sluice::operators::mysql {

class CharsetTable {
 public:
  static result<std::shared_ptr<const CharsetTable>> load(Connection& conn,
                                                          const std::string& charset);
  // `raw` as UTF-8; an error names the character set and the first byte that starts no
  // character of it.
  result<std::string> to_utf8(std::string_view raw) const;
  size_t size() const { return singles_ + doubles_.size() + triples_.size(); }

 private:
  explicit CharsetTable(std::string charset) : charset_(std::move(charset)) {}
  // The server's conversion of each code (separated by 0x0A, which is no byte of any code).
  static result<std::vector<std::string>> convert(Connection& conn, const std::string& charset,
                                                  const std::vector<std::string>& codes);
  result<void> load_singles(Connection& conn);
  result<void> load_multi(Connection& conn, size_t width);

  std::string charset_;
  std::array<std::string, 256> single_;  // "" = no character alone
  size_t singles_ = 0;
  std::unordered_map<uint32_t, std::string> doubles_;
  std::unordered_map<uint32_t, std::string> triples_;
  std::set<unsigned char> leads_;  // bytes that start a two-byte code
};

}  // namespace sluice::operators::mysql
