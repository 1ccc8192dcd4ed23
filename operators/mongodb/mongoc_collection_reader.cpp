#include "operators/mongodb/mongoc_collection_reader.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "operators/mongodb/errc.h"
#include "operators/mongodb/source_failure.h"

namespace sluice::operators::mongodb {
namespace {

// {"_id": the _id of doc}; empty when it has none.
BsonDoc id_only(const bson_t* doc) {
  BsonDoc out;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, "_id")) bson_append_iter(out.get(), "_id", 3, &it);
  return out;
}

bool same_id_doc(const BsonDoc& a, const BsonDoc& b) {
  const bson_t* x = a.get();
  const bson_t* y = b.get();
  return x->len == y->len && std::memcmp(bson_get_data(x), bson_get_data(y), x->len) == 0;
}

// The _ids of one `$in` query of read_ids.
constexpr size_t kIdsPerFind = 500;

bool internal_database(const char* name) {
  return std::strcmp(name, "admin") == 0 || std::strcmp(name, "config") == 0 ||
         std::strcmp(name, "local") == 0;
}

}  // namespace

MongocCollectionReader::MongocCollectionReader(std::shared_ptr<const MongocSourceClient> client,
                                               int64_t batch_size, std::string where)
    : factory_(std::move(client)), batch_size_(batch_size), where_(std::move(where)) {}

MongocCollectionReader::~MongocCollectionReader() { close(); }

result<mongoc_client_t*> MongocCollectionReader::client() {
  if (client_) return client_.get();
  bson_error_t err;
  client_ = factory_->make(err);
  if (!client_) return source_failure(err, nullptr, where_ + "cannot create a client: ");
  return client_.get();
}

result<std::vector<CollectionName>> MongocCollectionReader::collections_of(const std::string& db) {
  auto c = client();
  if (!c.ok()) return c.err();
  mongoc_database_t* d = mongoc_client_get_database(*c, db.c_str());
  bson_t opts = BSON_INITIALIZER;
  bson_t filter;
  BSON_APPEND_DOCUMENT_BEGIN(&opts, "filter", &filter);
  BSON_APPEND_UTF8(&filter, "type", "collection");  // no views, no time series
  bson_append_document_end(&opts, &filter);
  mongoc_cursor_t* cur = mongoc_database_find_collections_with_opts(d, &opts);
  std::vector<CollectionName> out;
  const bson_t* info = nullptr;
  while (mongoc_cursor_next(cur, &info)) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, info, "name") || !BSON_ITER_HOLDS_UTF8(&it)) continue;
    std::string name = bson_iter_utf8(&it, nullptr);
    if (name.rfind("system.", 0) == 0) continue;
    out.push_back({db, std::move(name)});
  }
  bson_error_t err;
  const bson_t* reply = nullptr;
  std::optional<error> failed;
  if (mongoc_cursor_error_document(cur, &err, &reply)) {
    failed = source_failure(err, reply, where_ + "listing the collections of " + db + ": ");
  }
  mongoc_cursor_destroy(cur);
  bson_destroy(&opts);
  mongoc_database_destroy(d);
  if (failed) return *failed;
  std::sort(out.begin(), out.end(),
            [](const CollectionName& a, const CollectionName& b) { return a.coll < b.coll; });
  return out;
}

result<std::vector<CollectionName>> MongocCollectionReader::collections(const StreamScope& scope) {
  if (!scope.collections.empty()) {
    std::vector<CollectionName> out;
    for (const auto& c : scope.collections) out.push_back({scope.database, c});
    return out;
  }
  if (!scope.database.empty()) return collections_of(scope.database);
  auto c = client();
  if (!c.ok()) return c.err();
  bson_error_t err;
  char** names = mongoc_client_get_database_names_with_opts(*c, nullptr, &err);
  if (names == nullptr) return source_failure(err, nullptr, where_ + "listing the databases: ");
  std::vector<std::string> dbs;
  for (char** n = names; *n != nullptr; ++n) {
    if (!internal_database(*n)) dbs.emplace_back(*n);
  }
  bson_strfreev(names);
  std::sort(dbs.begin(), dbs.end());
  std::vector<CollectionName> out;
  for (const auto& db : dbs) {
    auto some = collections_of(db);
    if (!some.ok()) return some.err();
    out.insert(out.end(), some->begin(), some->end());
  }
  return out;
}

int64_t MongocCollectionReader::estimated_count(const CollectionName& c) {
  auto cl = client();
  if (!cl.ok()) return 0;
  mongoc_collection_t* coll = mongoc_client_get_collection(*cl, c.db.c_str(), c.coll.c_str());
  bson_error_t err;
  const int64_t n =
      mongoc_collection_estimated_document_count(coll, nullptr, nullptr, nullptr, &err);
  mongoc_collection_destroy(coll);
  return std::max<int64_t>(0, n);
}

BsonDoc MongocCollectionReader::find_options(int64_t batch_size, const BsonDoc& after) {
  BsonDoc o;
  bson_t sort, hint, rc;
  BSON_APPEND_DOCUMENT_BEGIN(o.get(), "sort", &sort);
  BSON_APPEND_INT32(&sort, "_id", 1);
  bson_append_document_end(o.get(), &sort);
  BSON_APPEND_DOCUMENT_BEGIN(o.get(), "hint", &hint);
  BSON_APPEND_INT32(&hint, "_id", 1);
  bson_append_document_end(o.get(), &hint);
  if (!after.empty()) BSON_APPEND_DOCUMENT(o.get(), "min", after.get());
  BSON_APPEND_INT32(o.get(), "batchSize", static_cast<int32_t>(batch_size));
  BSON_APPEND_DOCUMENT_BEGIN(o.get(), "readConcern", &rc);
  BSON_APPEND_UTF8(&rc, "level", "majority");
  bson_append_document_end(o.get(), &rc);
  return o;
}

result<void> MongocCollectionReader::scan(const CollectionName& c, const BsonDoc& after) {
  close_cursor();
  auto cl = client();
  if (!cl.ok()) return cl.err();
  coll_ = mongoc_client_get_collection(*cl, c.db.c_str(), c.coll.c_str());
  bson_t filter = BSON_INITIALIZER;
  BsonDoc opts = find_options(batch_size_, after);
  cursor_ = mongoc_collection_find_with_opts(coll_, &filter, opts.get(), nullptr);
  bson_destroy(&filter);
  reading_ = c;
  skip_ = after;
  check_skip_ = !after.empty();
  return {};
}

result<bool> MongocCollectionReader::next(BsonDoc& doc) {
  if (cursor_ == nullptr) {
    return error::transient(errc::read_failed, where_ + "no collection is being read");
  }
  const bson_t* d = nullptr;
  while (mongoc_cursor_next(cursor_, &d)) {
    if (check_skip_) {
      check_skip_ = false;
      if (same_id_doc(id_only(d), skip_)) continue;  // `min` is inclusive
    }
    doc = BsonDoc(bson_copy(d));
    return true;
  }
  bson_error_t err;
  const bson_t* reply = nullptr;
  if (mongoc_cursor_error_document(cursor_, &err, &reply)) {
    error e = source_failure(err, reply, where_ + "reading " + reading_.text() + ": ");
    close_cursor();
    client_.reset();  // a new connection for the retry
    return e;
  }
  close_cursor();
  return false;
}

BsonDoc MongocCollectionReader::ids_filter(const std::vector<BsonDoc>& ids, size_t from,
                                           size_t to) {
  BsonDoc f;
  bson_t id, in;
  BSON_APPEND_DOCUMENT_BEGIN(f.get(), "_id", &id);
  BSON_APPEND_ARRAY_BEGIN(&id, "$in", &in);
  for (size_t i = from; i < to && i < ids.size(); ++i) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, ids[i].get(), "_id")) continue;
    const std::string key = std::to_string(i - from);
    bson_append_iter(&in, key.c_str(), static_cast<int>(key.size()), &it);
  }
  bson_append_array_end(&id, &in);
  bson_append_document_end(f.get(), &id);
  return f;
}

result<void> MongocCollectionReader::find_into(const CollectionName& c, const BsonDoc& filter,
                                               std::vector<BsonDoc>& out) {
  auto cl = client();
  if (!cl.ok()) return cl.err();
  mongoc_collection_t* coll = mongoc_client_get_collection(*cl, c.db.c_str(), c.coll.c_str());
  BsonDoc opts = find_options(batch_size_, BsonDoc());
  mongoc_cursor_t* cur = mongoc_collection_find_with_opts(coll, filter.get(), opts.get(), nullptr);
  const bson_t* d = nullptr;
  while (mongoc_cursor_next(cur, &d)) out.emplace_back(bson_copy(d));
  bson_error_t err;
  const bson_t* reply = nullptr;
  std::optional<error> failed;
  if (mongoc_cursor_error_document(cur, &err, &reply)) {
    failed = source_failure(err, reply, where_ + "reading " + c.text() + " by _id: ");
  }
  mongoc_cursor_destroy(cur);
  mongoc_collection_destroy(coll);
  if (failed) return *failed;
  return {};
}

result<std::vector<BsonDoc>> MongocCollectionReader::read_ids(const CollectionName& c,
                                                              const std::vector<BsonDoc>& ids) {
  close_cursor();
  std::vector<BsonDoc> out;
  for (size_t from = 0; from < ids.size(); from += kIdsPerFind) {
    auto r = find_into(c, ids_filter(ids, from, from + kIdsPerFind), out);
    if (!r.ok()) return r.err();
  }
  return out;
}

void MongocCollectionReader::close_cursor() {
  if (cursor_ != nullptr) mongoc_cursor_destroy(cursor_);
  if (coll_ != nullptr) mongoc_collection_destroy(coll_);
  cursor_ = nullptr;
  coll_ = nullptr;
}

void MongocCollectionReader::close() {
  close_cursor();
  client_.reset();
}

}  // namespace sluice::operators::mongodb
