#include "operators/kafka/topic_name.h"

namespace sluice::operators::kafka {
namespace {

constexpr size_t kMaxTopicName = 249;

bool topic_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// The bytes of the UTF-8 sequence that starts with `lead`, and the UTF-16 units of its character.
void utf8_shape(unsigned char lead, size_t& bytes, size_t& units) {
  bytes = 1;
  units = 1;
  if (lead >= 0xF0 && lead <= 0xF4) {
    bytes = 4;
    units = 2;
  } else if (lead >= 0xE0) {
    bytes = lead <= 0xEF ? 3 : 1;
  } else if (lead >= 0xC2) {
    bytes = 2;
  }
}

}  // namespace

bool kafka_topic_valid(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicName || name == "." || name == "..") return false;
  for (char c : name) {
    if (!topic_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string kafka_topic_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (topic_char(c)) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t bytes = 1, units = 1;
    if (c >= 0x80) utf8_shape(c, bytes, units);
    size_t n = 1;  // the sequence's bytes that are there: 10xxxxxx after the lead
    while (n < bytes && i + n < name.size() &&
           (static_cast<unsigned char>(name[i + n]) & 0xC0) == 0x80) {
      ++n;
    }
    if (n < bytes) units = 1;  // cut short: one replacement, as for a byte that is no UTF-8
    out.append(units, '_');
    i += n;
  }
  if (out.size() > kMaxTopicName) out.resize(kMaxTopicName);
  if (out == ".") return "_";
  if (out == "..") return "__";
  return out;
}

}  // namespace sluice::operators::kafka
