#include "operators/mongodb/mongoc_executor.h"

#include <mutex>

#include "base/logger.h"
#include "base/secrets.h"

namespace sluice::operators::mongodb {
namespace {

// libmongoc's own messages go to the sluice log, redacted; below warnings they are dropped.
void mongoc_log(mongoc_log_level_t level, const char* domain, const char* message, void*) {
  if (level > MONGOC_LOG_LEVEL_WARNING) return;
  std::string text = secrets::redact(std::string("libmongoc ") + (domain ? domain : "") + ": " +
                                     (message ? message : ""));
  if (level == MONGOC_LOG_LEVEL_WARNING) {
    log::warn("mongodb", text);
  } else {
    log::error("mongodb", text);
  }
}

}  // namespace

void ensure_mongoc_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_init();
    mongoc_log_set_handler(&mongoc_log, nullptr);
  });
}

result<std::unique_ptr<MongocExecutor>> MongocExecutor::create(const MongoOptions& opts) {
  ensure_mongoc_init();
  std::string where = "sink mongodb " + opts.stage + ": ";
  bson_error_t err;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(opts.uri.c_str(), &err);
  if (uri == nullptr) {
    return error::fatal(secrets::redact(where + "invalid uri: " + err.message));
  }
  if (const char* pw = mongoc_uri_get_password(uri); pw != nullptr && *pw != '\0') {
    secrets::add(pw);
  }
  mongoc_uri_set_appname(uri, "sluice");
  std::unique_ptr<MongocExecutor> ex(new MongocExecutor());
  ex->uri_ = uri;
  ex->database_ = opts.database;
  bson_append_bool(ex->bulk_opts_.get(), "ordered", -1, false);
  bson_append_bool(ex->ordered_opts_.get(), "ordered", -1, true);
  const int64_t wtimeout_ms = opts.wtimeout_us / 1000;
  if (opts.w_majority || opts.w >= 0 || opts.journal.has_value() || wtimeout_ms > 0) {
    mongoc_write_concern_t* wc = mongoc_write_concern_new();
    if (opts.w_majority) {
      mongoc_write_concern_set_wmajority(wc, static_cast<int32_t>(wtimeout_ms));
    } else if (opts.w >= 0) {
      mongoc_write_concern_set_w(wc, static_cast<int32_t>(opts.w));
    }
    if (opts.journal) mongoc_write_concern_set_journal(wc, *opts.journal);
    if (wtimeout_ms > 0) mongoc_write_concern_set_wtimeout_int64(wc, wtimeout_ms);
    bool ok = mongoc_write_concern_is_valid(wc) &&
              mongoc_write_concern_append(wc, ex->bulk_opts_.get()) &&
              mongoc_write_concern_append(wc, ex->ordered_opts_.get());
    mongoc_write_concern_destroy(wc);
    if (!ok) return error::fatal(where + "invalid write_concern (w = 0 with journal = true?)");
  }
  return ex;
}

MongocExecutor::~MongocExecutor() {
  for (auto& [name, c] : collections_) mongoc_collection_destroy(c);
  if (client_ != nullptr) mongoc_client_destroy(client_);
  if (uri_ != nullptr) mongoc_uri_destroy(uri_);
}

bool MongocExecutor::connect(bson_error_t& err) {
  if (client_ != nullptr) return true;
  // With mongodb+srv:// this resolves the SRV/TXT records: a failure is transient (DNS).
  client_ = mongoc_client_new_from_uri_with_error(uri_, &err);
  if (client_ == nullptr) {
    if (err.domain == 0) {
      err.domain = MONGOC_ERROR_SERVER_SELECTION;
      err.code = MONGOC_ERROR_SERVER_SELECTION_FAILURE;
    }
    return false;
  }
  mongoc_client_set_error_api(client_, MONGOC_ERROR_API_VERSION_2);
  return true;
}

mongoc_collection_t* MongocExecutor::collection(const std::string& name) {
  auto it = collections_.find(name);
  if (it != collections_.end()) return it->second;
  mongoc_collection_t* c = mongoc_client_get_collection(client_, database_.c_str(), name.c_str());
  collections_.emplace(name, c);
  return c;
}

BulkOutcome MongocExecutor::execute(const std::string& name, const std::vector<const WriteOp*>& ops,
                                    bool ordered) {
  const bson_t* opts = ordered ? ordered_opts_.get() : bulk_opts_.get();
  BulkOutcome out;
  if (!connect(out.error)) {
    out.ok = false;
    std::string msg = std::string("cannot create a client: ") + out.error.message;
    bson_strncpy(out.error.message, msg.c_str(), sizeof out.error.message);
    for (size_t i = 0; i < ops.size(); ++i) out.sent.push_back(i);
    return out;
  }
  mongoc_bulk_operation_t* bulk =
      mongoc_collection_create_bulk_operation_with_opts(collection(name), opts);
  bson_t upsert_opts = BSON_INITIALIZER;
  BSON_APPEND_BOOL(&upsert_opts, "upsert", true);
  auto append = [&](const WriteOp& op, bson_error_t* err) {
    const bson_t* o = op.upsert ? &upsert_opts : nullptr;
    switch (op.kind) {
      case WriteOp::Kind::Insert:
        return mongoc_bulk_operation_insert_with_opts(bulk, op.body.get(), nullptr, err);
      case WriteOp::Kind::Replace:
        return mongoc_bulk_operation_replace_one_with_opts(bulk, op.filter.get(), op.body.get(), o,
                                                           err);
      case WriteOp::Kind::Update:
        return mongoc_bulk_operation_update_one_with_opts(bulk, op.filter.get(), op.body.get(), o,
                                                          err);
      case WriteOp::Kind::Delete:
        return mongoc_bulk_operation_remove_one_with_opts(bulk, op.filter.get(), nullptr, err);
      case WriteOp::Kind::DeleteAll:
        return mongoc_bulk_operation_remove_many_with_opts(bulk, op.filter.get(), nullptr, err);
    }
    return false;
  };
  for (size_t i = 0; i < ops.size(); ++i) {
    bson_error_t err;
    if (append(*ops[i], &err)) {
      out.sent.push_back(i);
      continue;
    }
    out.rejected.emplace_back(i, err.message);
    // A refused op may leave an error recorded in the bulk: start a clean one with the ops
    // accepted so far (rare path).
    mongoc_bulk_operation_destroy(bulk);
    bulk = mongoc_collection_create_bulk_operation_with_opts(collection(name), opts);
    for (size_t j : out.sent) append(*ops[j], &err);
  }
  bson_destroy(&upsert_opts);
  if (!out.sent.empty()) {
    bson_t reply;
    uint32_t server = mongoc_bulk_operation_execute(bulk, &reply, &out.error);
    out.ok = server != 0;
    out.reply = BsonDoc(bson_copy(&reply));
    bson_destroy(&reply);
  }
  mongoc_bulk_operation_destroy(bulk);
  return out;
}

}  // namespace sluice::operators::mongodb
