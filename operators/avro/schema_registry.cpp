#include "operators/avro/schema_registry.h"

#include <httplib.h>

#include "base/json.h"
#include "base/percent_encoding.h"
#include "operators/avro/errc.h"

namespace sluice::operators::avro {
namespace {

// "scheme://host:port" and the path after it ("" or "/prefix").
void split_url(const std::string& url, std::string& origin, std::string& path) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  origin = slash == std::string::npos ? url : url.substr(0, slash);
  path = slash == std::string::npos ? "" : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
}

}  // namespace

SchemaRegistry::SchemaRegistry(Options o) : o_(std::move(o)) {}

result<int32_t> SchemaRegistry::id_of(const std::string& subject, const std::string& schema) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(subject, schema);
  if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  std::string origin, path;
  split_url(o_.url, origin, path);
  const std::string where = "schema registry " + origin + path;
  try {
    httplib::Client client(origin);
    if (!client.is_valid()) {
      return error::permanent(errc::registry, where + ": not a usable http(s) URL");
    }
    const time_t sec = o_.timeout_ms / 1000;
    client.set_connection_timeout(sec, 0);
    client.set_read_timeout(sec, 0);
    client.set_write_timeout(sec, 0);
    if (!o_.user.empty()) client.set_basic_auth(o_.user, o_.password);
    std::string body = "{\"schema\":";
    json::encode_string(schema, body);
    body += '}';
    auto res = client.Post(path + "/subjects/" + percent_encode(subject) + "/versions", body,
                           "application/vnd.schemaregistry.v1+json");
    if (!res) {
      return error::transient(errc::registry, where + ": " + httplib::to_string(res.error()) +
                                                  " (subject " + subject + ")");
    }
    if (res->status != 200) {
      std::string why = where + ": HTTP " + std::to_string(res->status) + " for subject " +
                        subject + ": " + res->body.substr(0, 300);
      // 409 incompatible, 422 invalid: the schema is refused; 5xx and the rest: try again.
      if (res->status == 409 || res->status == 422 || res->status == 401 || res->status == 403)
        return error::permanent(errc::registry, why);
      return error::transient(errc::registry, why);
    }
    auto v = json::parse(res->body);
    const Value* id =
        v.ok() && v->type() == Type::Object ? v->as_object().find(intern("id")) : nullptr;
    if (id == nullptr || id->type() != Type::Int) {
      return error::transient(errc::registry,
                              where + ": an answer without an id: " + res->body.substr(0, 200));
    }
    const auto n = static_cast<int32_t>(id->as_int());
    ids_.emplace(std::move(key), n);
    return n;
  } catch (const std::exception& e) {
    return error::transient(errc::registry, where + ": " + e.what());
  }
}

result<std::string> SchemaRegistry::schema_of(int32_t id) {
  std::string origin, path;
  split_url(o_.url, origin, path);
  try {
    httplib::Client client(origin);
    if (!o_.user.empty()) client.set_basic_auth(o_.user, o_.password);
    auto res = client.Get(path + "/schemas/ids/" + std::to_string(id));
    if (!res || res->status != 200) {
      return error::transient(errc::registry, "schema registry: no schema " + std::to_string(id));
    }
    auto v = json::parse(res->body);
    const Value* s =
        v.ok() && v->type() == Type::Object ? v->as_object().find(intern("schema")) : nullptr;
    if (s == nullptr || s->type() != Type::String) {
      return error::transient(errc::registry, "schema registry: an answer without a schema");
    }
    return s->as_string();
  } catch (const std::exception& e) {
    return error::transient(errc::registry, std::string("schema registry: ") + e.what());
  }
}

}  // namespace sluice::operators::avro
