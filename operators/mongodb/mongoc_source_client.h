// The connection string of a MongoDB source, parsed once (its password registered as a
// secret), and the libmongoc clients made from it: one for the change stream's thread, one for
// the snapshot reads (a mongoc_client_t is used by one thread at a time).
#pragma once
#include <mongoc/mongoc.h>

#include <memory>
#include <string>

#include "base/result.h"

namespace sluice::operators::mongodb {

struct MongocClientFree {
  void operator()(mongoc_client_t* c) const { mongoc_client_destroy(c); }
};
using MongocClientPtr = std::unique_ptr<mongoc_client_t, MongocClientFree>;

class MongocSourceClient {
 public:
  // Fatal error on a malformed URI (message redacted). `where`: "source mongodb S: ".
  static result<std::shared_ptr<const MongocSourceClient>> create(const std::string& uri,
                                                                  const std::string& where);
  ~MongocSourceClient();
  MongocSourceClient(const MongocSourceClient&) = delete;
  MongocSourceClient& operator=(const MongocSourceClient&) = delete;

  // A new client (error API v2); null with `err` set when it cannot be made (an SRV lookup
  // that failed: transient).
  MongocClientPtr make(bson_error_t& err) const;

 private:
  MongocSourceClient() = default;
  mongoc_uri_t* uri_ = nullptr;
};

}  // namespace sluice::operators::mongodb
