#include "operators/kafka/partition_offsets.h"

#include <sstream>

#include "operators/kafka/errc.h"

namespace sluice::operators::kafka {

std::string PartitionOffsets::encode() const {
  std::string s;
  for (const auto& [k, off] : map_) {
    s += k.first;
    s += '\t';
    s += std::to_string(k.second);
    s += '\t';
    s += std::to_string(off);
    s += '\n';
  }
  return s;
}

result<PartitionOffsets> PartitionOffsets::decode(const std::string& text) {
  PartitionOffsets o;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos)
      return error::fatal(errc::offsets, "kafka source: bad checkpoint line '" + line + "'");
    try {
      o.set(line.substr(0, a), static_cast<int32_t>(std::stol(line.substr(a + 1, b - a - 1))),
            std::stoll(line.substr(b + 1)));
    } catch (const std::exception&) {
      return error::fatal(errc::offsets, "kafka source: bad checkpoint line '" + line + "'");
    }
  }
  return o;
}

}  // namespace sluice::operators::kafka
