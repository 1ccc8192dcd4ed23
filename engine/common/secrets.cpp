#include "engine/common/secrets.h"

#include <atomic>
#include <mutex>
#include <vector>

namespace sluice::secrets {
namespace {
std::mutex mu;
std::vector<std::string> values;
std::atomic<bool> have{false};
}  // namespace

void add(const std::string& value) {
  if (value.empty()) return;
  std::lock_guard<std::mutex> lock(mu);
  for (const auto& v : values) {
    if (v == value) return;
  }
  values.push_back(value);
  have.store(true, std::memory_order_release);
}

bool any() { return have.load(std::memory_order_acquire); }

std::string redact(std::string text) {
  if (!any()) return text;
  std::lock_guard<std::mutex> lock(mu);
  for (const auto& v : values) {
    size_t pos = 0;
    while ((pos = text.find(v, pos)) != std::string::npos) {
      text.replace(pos, v.size(), "***");
      pos += 3;
    }
  }
  return text;
}

}  // namespace sluice::secrets
