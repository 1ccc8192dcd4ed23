#include "operators/mysql/charset_converter.h"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <unordered_map>

#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {
namespace {

struct IconvName {
  std::string_view mysql;
  const char* iconv;
};

// The Unicode encodings (MySQL's utf16, utf32 and ucs2 are big-endian) and MySQL 8's gb18030,
// whose four-byte codes no table read from the server could hold (CharsetTable does the others).
constexpr IconvName kIconvNames[] = {
    {"ucs2", "UCS-2BE"},   {"utf16", "UTF-16BE"},  {"utf16le", "UTF-16LE"},
    {"utf32", "UTF-32BE"}, {"gb18030", "GB18030"},
};

struct IconvClose {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using Converter = std::unique_ptr<void, IconvClose>;

// One converter per character set and thread (an iconv_t carries state between calls).
iconv_t converter_for(const char* name) {
  thread_local std::unordered_map<std::string, Converter> open;
  auto it = open.find(name);
  if (it == open.end()) {
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == reinterpret_cast<iconv_t>(-1)) return cd;
    it = open.emplace(name, Converter(cd)).first;
  }
  iconv(static_cast<iconv_t>(it->second.get()), nullptr, nullptr, nullptr, nullptr);  // reset
  return static_cast<iconv_t>(it->second.get());
}

}  // namespace

bool charset_is_utf8(std::string_view charset) {
  return charset.empty() || charset == "utf8mb4" || charset == "utf8mb3" || charset == "utf8" ||
         charset == "ascii";
}

std::optional<const char*> iconv_charset(std::string_view charset) {
  for (const auto& n : kIconvNames) {
    if (n.mysql == charset) return n.iconv;
  }
  return std::nullopt;
}

result<std::string> charset_to_utf8(const std::string& charset, std::string_view raw) {
  auto name = iconv_charset(charset);
  iconv_t cd = name ? converter_for(*name) : reinterpret_cast<iconv_t>(-1);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return error::permanent(errc::decode, "text in character set " + charset +
                                              ", which this build cannot convert to UTF-8");
  }
  std::string out(raw.size() * 3 + 4, '\0');  // a character's UTF-8 is at most 3 bytes a byte
  char* in = const_cast<char*>(raw.data());   // iconv's signature; it does not write the input
  size_t in_left = raw.size();
  char* dst = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) {
    const auto at = std::to_string(raw.size() - in_left);
    return error::permanent(errc::decode, "text that is not " + charset + " (byte " + at +
                                              (errno == EINVAL ? " starts a cut character)"
                                                               : " is not a character of it)"));
  }
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace sluice::operators::mysql
