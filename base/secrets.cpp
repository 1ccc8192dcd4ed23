#include "base/secrets.h"

#include <atomic>
#include <mutex>
#include <vector>

namespace sluice::secrets {
namespace {
std::mutex mu;
std::vector<std::string> values;
std::atomic<bool> have{false};
std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}
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

void add_connection_string(const std::string& url) {
  std::string password;
  size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t at = url.find('@', start);
    size_t slash = url.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      size_t colon = url.find(':', start);
      if (colon != std::string::npos && colon < at)
        password = url.substr(colon + 1, at - colon - 1);
    }
    size_t q = url.find("password=");
    if (password.empty() && q != std::string::npos) {
      size_t end = url.find('&', q);
      password = url.substr(q + 9, end == std::string::npos ? std::string::npos : end - q - 9);
    }
  } else {
    size_t q = url.find("password=");
    if (q != std::string::npos) {
      size_t start = q + 9;
      if (start < url.size() && url[start] == '\'') {
        size_t end = url.find('\'', start + 1);
        password =
            url.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
      } else {
        size_t end = url.find(' ', start);
        password = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
      }
    }
  }
  if (!password.empty()) {
    add(password);
    try {
      std::string decoded = percent_decode(password);
      if (decoded != password) add(decoded);
    } catch (const std::exception&) {
    }
    add(url);
  }
}

}  // namespace sluice::secrets
