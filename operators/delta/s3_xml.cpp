#include "operators/delta/s3_xml.h"

#include <cstdint>
#include <cstdlib>
#include <utility>

#include "base/utf8.h"

namespace sluice::operators::delta {
namespace {

// Where the next <tag> or <tag ...> starts at or after `from`, and where its content begins.
bool s3xml_open(const std::string& xml, const std::string& tag, size_t from, size_t& content) {
  const std::string open = "<" + tag;
  for (size_t at = xml.find(open, from); at != std::string::npos; at = xml.find(open, at + 1)) {
    const size_t after = at + open.size();
    if (after >= xml.size()) return false;
    const char c = xml[after];
    if (c != '>' && c != ' ' && c != '\t' && c != '\r' && c != '\n') continue;  // <TagLonger>
    const size_t close = xml.find('>', after);
    if (close == std::string::npos) return false;
    if (xml[close - 1] == '/') continue;  // <Tag/>: empty, no content to read
    content = close + 1;
    return true;
  }
  return false;
}

// One entity's text (between '&' and ';') decoded into out; false when it is not one we know.
bool s3xml_entity(const std::string& name, std::string& out) {
  static const std::pair<const char*, char> kNamed[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out += c;
      return true;
    }
  }
  if (name.size() < 2 || name[0] != '#') return false;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string digits = name.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  char* end = nullptr;
  const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
  if (end == nullptr || *end != '\0' || cp > 0x10FFFF) return false;
  append_utf8(out, static_cast<uint32_t>(cp));
  return true;
}

}  // namespace

std::vector<std::string> s3_xml_all(const std::string& xml, const std::string& tag, size_t limit) {
  std::vector<std::string> out;
  const std::string close = "</" + tag + ">";
  size_t pos = 0;
  size_t content = 0;
  while (out.size() < limit && s3xml_open(xml, tag, pos, content)) {
    const size_t end = xml.find(close, content);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(content, end - content));
    pos = end + close.size();
  }
  return out;
}

std::string s3_xml_first(const std::string& xml, const std::string& tag) {
  auto all = s3_xml_all(xml, tag, 1);
  return all.empty() ? std::string() : s3_xml_decode(all.front());
}

std::string s3_xml_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t semi = text[i] == '&' ? text.find(';', i + 1) : std::string::npos;
    if (semi != std::string::npos && semi - i <= 10 &&
        s3xml_entity(text.substr(i + 1, semi - i - 1), out)) {
      i = semi;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace sluice::operators::delta
