#include "operators/mysql/charset_table.h"

#include <algorithm>

#include "base/hex_text.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {
namespace {

// One character, as the server gives it for a valid code ("?" for an invalid one).
bool one_character(const std::string& s) {
  if (s.empty() || s == "?") return false;
  const auto b = static_cast<unsigned char>(s[0]);
  const size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  return n == s.size();
}

uint32_t code_of(std::string_view b) {
  uint32_t c = 0;
  for (unsigned char x : b) c = c << 8 | x;
  return c;
}

}  // namespace

result<std::vector<std::string>> CharsetTable::convert(Connection& conn, const std::string& charset,
                                                       const std::vector<std::string>& codes) {
  // Batches of 16,384 codes: a statement of at most ~130 KB, well inside any
  // max_allowed_packet.
  constexpr size_t kBatch = 16384;
  std::vector<std::string> out;
  for (size_t from = 0; from < codes.size(); from += kBatch) {
    const size_t to = std::min(codes.size(), from + kBatch);
    std::string joined;
    for (size_t i = from; i < to; ++i) joined += (i > from ? "\n" : "") + codes[i];
    auto r = conn.scalar("SELECT HEX(CONVERT(CONVERT(X'" + hex_text(joined, true) + "' USING " +
                         charset + ") USING utf8mb4))");
    if (!r.ok()) return r.err();
    const std::string text = hex_bytes(r->value_or(""));
    size_t start = 0, got = 0;
    while (true) {
      const size_t nl = text.find('\n', start);
      out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      ++got;
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    if (got != to - from) {
      return error::fatal(errc::schema, "the server's conversion of character set " + charset +
                                            " gave " + std::to_string(got) + " codes for " +
                                            std::to_string(to - from));
    }
  }
  return out;
}

result<void> CharsetTable::load_singles(Connection& conn) {
  std::vector<std::string> codes;
  for (int b = 0; b < 256; ++b) {
    if (b != '\n') codes.emplace_back(1, static_cast<char>(b));
  }
  auto got = convert(conn, charset_, codes);
  if (!got.ok()) return got.err();
  for (size_t i = 0; i < codes.size(); ++i) {
    const auto b = static_cast<unsigned char>(codes[i][0]);
    if (one_character((*got)[i]) || b == '?') single_[b] = b == '?' ? "?" : (*got)[i];
  }
  single_['\n'] = "\n";
  for (const auto& s : single_) singles_ += !s.empty();
  return {};
}

// Codes of `width` bytes after each lead byte that starts no shorter code (bytes after the
// lead: 0x21..0xFF but 0x0A).
result<void> CharsetTable::load_multi(Connection& conn, size_t width) {
  std::vector<std::string> codes;
  for (int lead = 0x80; lead < 256; ++lead) {
    if (!single_[lead].empty()) continue;
    if (width == 3 && leads_.count(lead)) continue;
    for (int a = 0x21; a < 256; ++a) {
      if (width == 2) {
        codes.push_back({static_cast<char>(lead), static_cast<char>(a)});
        continue;
      }
      if (a < 0xA1) continue;  // EUC's three-byte codes: 0xA1..0xFE after the lead
      for (int b = 0xA1; b < 0xFF; ++b) {
        codes.push_back({static_cast<char>(lead), static_cast<char>(a), static_cast<char>(b)});
      }
    }
  }
  if (codes.empty()) return {};
  auto got = convert(conn, charset_, codes);
  if (!got.ok()) return got.err();
  auto& into = width == 2 ? doubles_ : triples_;
  for (size_t i = 0; i < codes.size(); ++i) {
    if (!one_character((*got)[i])) continue;
    into.emplace(code_of(codes[i]), (*got)[i]);
    if (width == 2) leads_.insert(static_cast<unsigned char>(codes[i][0]));
  }
  return {};
}

result<std::shared_ptr<const CharsetTable>> CharsetTable::load(Connection& conn,
                                                               const std::string& charset) {
  std::shared_ptr<CharsetTable> t(new CharsetTable(charset));
  auto s = t->load_singles(conn);
  if (!s.ok()) return s.err();
  auto d = t->load_multi(conn, 2);
  if (!d.ok()) return d.err();
  if (!t->doubles_.empty()) {
    auto tr = t->load_multi(conn, 3);
    if (!tr.ok()) return tr.err();
  }
  return std::shared_ptr<const CharsetTable>(std::move(t));
}

result<std::string> CharsetTable::to_utf8(std::string_view raw) const {
  std::string out;
  out.reserve(raw.size() * 2);
  size_t i = 0;
  // The character of `width` bytes at i, if `codes` has one.
  auto take = [&](const std::unordered_map<uint32_t, std::string>& codes, size_t width) {
    if (i + width > raw.size()) return false;
    auto it = codes.find(code_of(raw.substr(i, width)));
    if (it == codes.end()) return false;
    out += it->second;
    i += width;
    return true;
  };
  while (i < raw.size()) {
    const auto b = static_cast<unsigned char>(raw[i]);
    if (!single_[b].empty()) {
      out += single_[b];
      ++i;
    } else if (!take(doubles_, 2) && !take(triples_, 3)) {
      return error::permanent(errc::decode, "text that is not " + charset_ + " (byte " +
                                                std::to_string(i) + " starts no character of it)");
    }
  }
  return out;
}

}  // namespace sluice::operators::mysql
