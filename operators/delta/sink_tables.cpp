#include "operators/delta/sink_tables.h"

#include <cctype>

#include "base/json.h"
#include "operators/delta/errc.h"
#include "operators/delta/local_table_store.h"
#include "operators/delta/s3_client.h"
#include "operators/delta/s3_table_store.h"
#include "operators/delta/s3_url.h"

namespace sluice::operators::delta {

result<std::shared_ptr<TableStore>> open_table_store(const DeltaOptions& o,
                                                     const std::string& location,
                                                     std::shared_ptr<S3Client>* client) {
  if (location.rfind("s3://", 0) != 0 && location.rfind("s3a://", 0) != 0) {
    return std::shared_ptr<TableStore>(std::make_shared<LocalTableStore>(location));
  }
  auto at = parse_s3_url(location);
  if (!at.ok()) return error::permanent(errc::io, "path " + location + ": " + at.err().message);
  std::shared_ptr<S3Client> own;
  std::shared_ptr<S3Client>& c = client != nullptr ? *client : own;
  if (!c) {
    S3Config cfg;
    cfg.endpoint = o.s3_endpoint;
    cfg.region = o.s3_region;
    cfg.access_key = o.s3_access_key;
    cfg.secret_key = o.s3_secret_key;
    cfg.session_token = o.s3_session_token;
    cfg.path_style = o.s3_path_style;
    cfg.ca_file = o.s3_ca_file;
    c = std::make_shared<S3Client>(std::move(cfg));
  }
  // Each table its own staging directory (the location made a file name).
  std::string name;
  for (char ch : location.substr(location.find("://") + 3)) {
    name += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ? ch : '_';
  }
  return std::shared_ptr<TableStore>(std::make_shared<S3TableStore>(
      c, location, std::move(at.value()), o.staging_dir + "/" + name));
}

Value text_of(const Value& v) {
  if (v.type() == Type::Object || v.type() == Type::List) return Value::string(json::encode(v));
  if (v.type() == Type::Decimal) return Value::string(v.as_decimal().to_string());
  return Value::string(v.to_display());
}

Value stored_value(const ColumnSchema& c, const Value& v) {
  return stored_as_text(c, v) ? text_of(v) : v;
}

}  // namespace sluice::operators::delta
