#include "runtime/api_client.h"

#include "base/json.h"
#include "runtime/http_client.h"
#include "runtime/json_fields.h"

namespace sluice::runtime {

std::string api_error_text(const std::string& endpoint, const std::string& path, int status,
                           const std::string& body) {
  std::string why;
  if (auto v = json::parse(body); v.ok()) why = json_text(json_field(*v, "error"));
  if (why.empty()) why = body.substr(0, body.find('\n'));
  std::string text = endpoint + path + ": HTTP " + std::to_string(status) + ": " + why;
  if (status == 401) text += " (set SLUICE_API_TOKEN to the node's API token)";
  if (status == 403) text += " (address the node as 127.0.0.1, or give it a token)";
  return text;
}

result<Value> api_get_json(const std::string& endpoint, const std::string& path) {
  auto r = http_request(endpoint, "GET", path);
  if (!r.ok()) return r.err();
  if (r->status != 200) {
    return error::permanent(api_error_text(endpoint, path, r->status, r->body));
  }
  auto v = json::parse(r->body);
  if (!v.ok()) return error::permanent("bad JSON from " + endpoint + path + ": " + v.err().message);
  return v;
}

}  // namespace sluice::runtime
