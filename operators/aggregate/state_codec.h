// Typed, exact text encoding of Values for checkpoint state (aggregate and join). JSON would
// lose types (a Date and a String look alike), so every value carries a one-letter type code:
//   n  t f  i<int>;  u<uint>;  F<16 hex digits of the IEEE bits>;  d<decimal text>;
//   s<len>:<bytes>  b<len>:<bytes>  D<days>;  T<micros>;  M<micros>;  Z<micros>;
//   o<n>: n x (s-name value)   l<n>: n x value
// The text is ASCII apart from string payloads (UTF-8), so it can sit inside checkpoint.json.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/value.h"

namespace sluice::operators::state_codec {

void put(const Value& v, std::string& out);
void put_int(int64_t v, std::string& out);           // "<digits>;"
void put_uint(uint64_t v, std::string& out);         // "<digits>;"
void put_i128(int128 v, std::string& out);           // "<digits>;"
void put_str(std::string_view s, std::string& out);  // "<len>:<bytes>"

// Reads what the put_* functions wrote, in the same order. After any malformed input ok()
// turns false and every further read returns a zero value.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}
  Value value();
  int64_t int64();
  uint64_t uint64();
  int128 i128();
  std::string str();
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ >= s_.size(); }
  // Consumes `c` when it is next; returns whether it was.
  bool expect(char c);

 private:
  bool digits(bool allow_sign, std::string_view& out, char end);
  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace sluice::operators::state_codec
