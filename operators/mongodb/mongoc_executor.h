// BulkExecutor over libmongoc: one mongoc_client_t (the sink's actor is single-threaded),
// unordered bulk writes with the configured write concern. The URI is parsed (and checked)
// here; mongodb+srv:// and TLS options in the URI are handled by libmongoc as Atlas uses them.
#pragma once
#include <mongoc/mongoc.h>

#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "operators/mongodb/bulk_executor.h"
#include "operators/mongodb/mongodb_options.h"

namespace sluice::operators::mongodb {

class MongocExecutor : public BulkExecutor {
 public:
  // Fatal error on a malformed URI (message redacted).
  static result<std::unique_ptr<MongocExecutor>> create(const MongoOptions& opts);
  ~MongocExecutor() override;
  MongocExecutor(const MongocExecutor&) = delete;
  MongocExecutor& operator=(const MongocExecutor&) = delete;

  BulkOutcome execute(const std::string& collection, const std::vector<const WriteOp*>& ops,
                      bool ordered) override;
  // The bulk options document ({ordered: false, writeConcern: ...}) as canonical JSON.
  std::string bulk_options_json() const { return bulk_opts_.canonical_json(); }

 private:
  MongocExecutor() = default;
  mongoc_collection_t* collection(const std::string& name);
  bool connect(bson_error_t& err);  // creates the client on first use

  mongoc_uri_t* uri_ = nullptr;

  mongoc_client_t* client_ = nullptr;
  std::string database_;
  BsonDoc bulk_opts_;
  BsonDoc ordered_opts_;  // the same with ordered: true
  std::map<std::string, mongoc_collection_t*> collections_;
};

// mongoc_init() once per process (thread-safe).
void ensure_mongoc_init();

}  // namespace sluice::operators::mongodb
