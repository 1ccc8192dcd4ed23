#include "operators/mongodb/mongoc_source_client.h"

#include "base/secrets.h"
#include "operators/mongodb/errc.h"
#include "operators/mongodb/mongoc_executor.h"

namespace sluice::operators::mongodb {

result<std::shared_ptr<const MongocSourceClient>> MongocSourceClient::create(
    const std::string& uri, const std::string& where) {
  ensure_mongoc_init();
  bson_error_t err;
  mongoc_uri_t* parsed = mongoc_uri_new_with_error(uri.c_str(), &err);
  if (parsed == nullptr) {
    return error::fatal(errc::unreachable, secrets::redact(where + "invalid uri: " + err.message));
  }
  if (const char* pw = mongoc_uri_get_password(parsed); pw != nullptr && *pw != '\0') {
    secrets::add(pw);
  }
  mongoc_uri_set_appname(parsed, "sluice");
  std::shared_ptr<MongocSourceClient> c(new MongocSourceClient());
  c->uri_ = parsed;
  return std::shared_ptr<const MongocSourceClient>(std::move(c));
}

MongocSourceClient::~MongocSourceClient() {
  if (uri_ != nullptr) mongoc_uri_destroy(uri_);
}

MongocClientPtr MongocSourceClient::make(bson_error_t& err) const {
  mongoc_client_t* c = mongoc_client_new_from_uri_with_error(uri_, &err);
  if (c == nullptr) {
    if (err.domain == 0) {
      err.domain = MONGOC_ERROR_SERVER_SELECTION;
      err.code = MONGOC_ERROR_SERVER_SELECTION_FAILURE;
    }
    return nullptr;
  }
  mongoc_client_set_error_api(c, MONGOC_ERROR_API_VERSION_2);
  return MongocClientPtr(c);
}

}  // namespace sluice::operators::mongodb
