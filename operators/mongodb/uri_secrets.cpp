#include "operators/mongodb/uri_secrets.h"

#include <cctype>

#include "base/secrets.h"

namespace sluice::operators::mongodb {
namespace {

std::string percent_decode(const std::string& s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void add_secret(const std::string& s) {
  if (s.empty()) return;
  secrets::add(s);
  std::string d = percent_decode(s);
  if (d != s) secrets::add(d);
}

std::string query_value(const std::string& uri, const std::string& name) {
  size_t q = uri.find('?');
  while (q != std::string::npos) {
    size_t start = q + 1;
    size_t end = uri.find('&', start);
    std::string item =
        uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t eq = item.find('=');
    if (eq != std::string::npos) {
      std::string k = item.substr(0, eq);
      bool same = k.size() == name.size();
      for (size_t i = 0; same && i < k.size(); ++i) {
        same = std::tolower(static_cast<unsigned char>(k[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return item.substr(eq + 1);
    }
    q = end;
  }
  return {};
}

}  // namespace

void register_uri_secrets(const std::string& uri) {
  size_t scheme = uri.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  // userinfo ends at the LAST '@' before the path (passwords may hold a raw '@').
  size_t slash = uri.find('/', start);
  size_t at = uri.rfind('@', slash == std::string::npos ? std::string::npos : slash);
  bool has_secret = false;
  if (at != std::string::npos && at >= start) {
    std::string userinfo = uri.substr(start, at - start);
    size_t colon = userinfo.find(':');
    if (colon != std::string::npos) {
      add_secret(userinfo.substr(colon + 1));
      has_secret = true;
    }
  }
  for (const char* opt : {"tlsCertificateKeyFilePassword", "sslclientcertificatekeypassword",
                          "authMechanismProperties"}) {
    std::string v = query_value(uri, opt);
    if (!v.empty() && std::string(opt) != "authMechanismProperties") {
      add_secret(v);
      has_secret = true;
    } else if (!v.empty()) {
      // AWS_SESSION_TOKEN:... in authMechanismProperties
      size_t p = v.find("AWS_SESSION_TOKEN:");
      if (p != std::string::npos) {
        size_t e = v.find(',', p);
        add_secret(v.substr(p + 18, e == std::string::npos ? std::string::npos : e - p - 18));
        has_secret = true;
      }
    }
  }
  if (has_secret) secrets::add(uri);
}

}  // namespace sluice::operators::mongodb
