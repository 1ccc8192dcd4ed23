// A Confluent Schema Registry client (its REST API): the id of a schema under a subject,
// registering it when the subject does not have it yet (POST /subjects/S/versions answers the
// id of an equal schema registered before). Ids are kept per subject and schema, so a schema
// costs one request per process. Basic authentication with `user` and `password` (never
// logged: errors name the URL without credentials).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "base/result.h"

namespace sluice::operators::avro {

// What an Avro encoder asks of a registry.
class SchemaIds {
 public:
  virtual ~SchemaIds() = default;
  // Transient error: the registry could not be reached or failed (retry); permanent: it
  // refused the schema (incompatible, invalid).
  virtual result<int32_t> id_of(const std::string& subject, const std::string& schema) = 0;
};

class SchemaRegistry : public SchemaIds {
 public:
  struct Options {
    std::string url;  // http(s)://host:port[/path]
    std::string user;
    std::string password;
    int timeout_ms = 10000;
  };
  explicit SchemaRegistry(Options o);
  result<int32_t> id_of(const std::string& subject, const std::string& schema) override;
  // GET /schemas/ids/ID: the schema text registered under an id (tests, tools).
  result<std::string> schema_of(int32_t id);

 private:
  Options o_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, int32_t> ids_;
};

}  // namespace sluice::operators::avro
