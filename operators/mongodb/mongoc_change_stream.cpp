#include "operators/mongodb/mongoc_change_stream.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "operators/mongodb/errc.h"
#include "operators/mongodb/source_failure.h"

namespace sluice::operators::mongodb {

namespace {

constexpr int64_t kMaxAwaitMs = 250;
constexpr auto kCloseWait = std::chrono::seconds(2);

}  // namespace

// One queue entry: a change and the token after it, a newer post-batch token alone, or the
// error that ended the stream. (Not in the anonymous namespace: Shared, which holds them, is
// not, and a unity batch makes GCC say so.)
struct MongocStreamItem {
  std::optional<BsonDoc> doc;
  std::optional<BsonDoc> token;
  std::optional<error> err;
};

struct MongocChangeStream::Shared {
  std::mutex mu;
  std::condition_variable not_full;
  std::condition_variable ended;
  std::deque<MongocStreamItem> items;
  size_t capacity = 1024;
  bool stop = false;
  bool exited = false;
  std::string where;
  // Owned by the reading thread while it runs; freed by it (stream, handles, then client).
  MongocClientPtr client;
  mongoc_collection_t* coll = nullptr;
  mongoc_database_t* db = nullptr;
  mongoc_change_stream_t* stream = nullptr;

  void release() {
    if (stream != nullptr) mongoc_change_stream_destroy(stream);
    if (coll != nullptr) mongoc_collection_destroy(coll);
    if (db != nullptr) mongoc_database_destroy(db);
    stream = nullptr;
    coll = nullptr;
    db = nullptr;
    client.reset();
  }
};

namespace {

// Waits for room; false once stop is set (the item is dropped).
bool push_stream_item(MongocChangeStream::Shared& s, MongocStreamItem item) {
  std::unique_lock<std::mutex> lk(s.mu);
  s.not_full.wait(lk, [&] { return s.stop || s.items.size() < s.capacity; });
  if (s.stop) return false;
  s.items.push_back(std::move(item));
  return true;
}

bool same_bson(const bson_t* a, const BsonDoc& b) {
  return a->len == b.get()->len &&
         std::equal(bson_get_data(a), bson_get_data(a) + a->len, bson_get_data(b.get()));
}

bool stream_stopped(MongocChangeStream::Shared& s) {
  std::lock_guard<std::mutex> lk(s.mu);
  return s.stop;
}

void read_changes(const std::shared_ptr<MongocChangeStream::Shared>& shared) {
  MongocChangeStream::Shared& s = *shared;
  BsonDoc last_token;
  while (!stream_stopped(s)) {
    const bson_t* doc = nullptr;
    if (mongoc_change_stream_next(s.stream, &doc)) {
      MongocStreamItem item;
      item.doc = BsonDoc(bson_copy(doc));
      const bson_t* tok = mongoc_change_stream_get_resume_token(s.stream);
      if (tok != nullptr) last_token = BsonDoc(bson_copy(tok));
      item.token = last_token;
      if (!push_stream_item(s, std::move(item))) break;
      continue;
    }
    bson_error_t err;
    const bson_t* reply = nullptr;
    if (mongoc_change_stream_error_document(s.stream, &err, &reply)) {
      MongocStreamItem item;
      item.err = source_failure(err, reply, s.where + "change stream: ");
      push_stream_item(s, std::move(item));
      break;
    }
    const bson_t* tok = mongoc_change_stream_get_resume_token(s.stream);
    if (tok != nullptr && !bson_empty(tok) && !same_bson(tok, last_token)) {
      last_token = BsonDoc(bson_copy(tok));
      MongocStreamItem item;
      item.token = last_token;
      if (!push_stream_item(s, std::move(item))) break;
    }
  }
  std::lock_guard<std::mutex> lk(s.mu);
  s.release();
  s.exited = true;
  s.ended.notify_all();
}

// The server's operationTime now (a ping); {0, 0} when it gives none (not a replica set).
result<std::pair<uint32_t, uint32_t>> server_operation_time(mongoc_client_t* client,
                                                            const std::string& where) {
  bson_t cmd = BSON_INITIALIZER;
  BSON_APPEND_INT32(&cmd, "ping", 1);
  bson_t reply;
  bson_error_t err;
  const bool ok = mongoc_client_command_simple(client, "admin", &cmd, nullptr, &reply, &err);
  bson_destroy(&cmd);
  std::pair<uint32_t, uint32_t> t{0, 0};
  bson_iter_t it;
  if (ok && bson_iter_init_find(&it, &reply, "operationTime") && BSON_ITER_HOLDS_TIMESTAMP(&it)) {
    bson_iter_timestamp(&it, &t.first, &t.second);
  }
  std::optional<error> failed;
  if (!ok) failed = source_failure(err, &reply, where + "ping: ");
  bson_destroy(&reply);
  if (failed) return *failed;
  return t;
}

void open_change_stream(MongocChangeStream::Shared& s, const StreamScope& scope,
                        const BsonDoc& pipe, const BsonDoc& opts) {
  if (scope.collections.size() == 1) {
    s.coll = mongoc_client_get_collection(s.client.get(), scope.database.c_str(),
                                          scope.collections.front().c_str());
    s.stream = mongoc_collection_watch(s.coll, pipe.get(), opts.get());
  } else if (!scope.database.empty()) {
    s.db = mongoc_client_get_database(s.client.get(), scope.database.c_str());
    s.stream = mongoc_database_watch(s.db, pipe.get(), opts.get());
  } else {
    s.stream = mongoc_client_watch(s.client.get(), pipe.get(), opts.get());
  }
}

}  // namespace

MongocChangeStream::MongocChangeStream(std::shared_ptr<const MongocSourceClient> client, Settings s)
    : client_(std::move(client)), s_(std::move(s)) {}

MongocChangeStream::~MongocChangeStream() { close(); }

result<void> MongocChangeStream::watch(const StreamStart& start) {
  close();
  auto shared = std::make_shared<Shared>();
  shared->where = s_.where;
  shared->capacity = static_cast<size_t>(std::clamp<int64_t>(s_.batch_size, 64, 4096));
  bson_error_t err;
  shared->client = client_->make(err);
  if (!shared->client) return source_failure(err, nullptr, s_.where + "cannot create a client: ");
  std::pair<uint32_t, uint32_t> opened_at{0, 0};
  if (start.kind == StreamStart::Kind::Now) {
    auto t = server_operation_time(shared->client.get(), s_.where);
    if (!t.ok()) return t.err();
    opened_at = *t;
  }
  open_change_stream(*shared, s_.scope, pipeline(s_.scope), options(s_, start));
  const bson_t* reply = nullptr;
  if (mongoc_change_stream_error_document(shared->stream, &err, &reply)) {
    error e = source_failure(err, reply, s_.where + "opening the change stream: ");
    shared->release();
    return e;
  }
  const bson_t* tok = mongoc_change_stream_get_resume_token(shared->stream);
  if (tok != nullptr && !bson_empty(tok)) {
    position_ = StreamStart::after(BsonDoc(bson_copy(tok)));
  } else if (start.kind == StreamStart::Kind::Now && opened_at.first != 0) {
    position_ = StreamStart::at(opened_at.first, opened_at.second);
  } else {
    position_ = start;
  }
  shared_ = shared;
  thread_ = std::thread(read_changes, shared);
  return {};
}

result<bool> MongocChangeStream::next(BsonDoc& doc) {
  if (!shared_) {
    return error::transient(errc::read_failed, s_.where + "the change stream is not open");
  }
  std::unique_lock<std::mutex> lk(shared_->mu);
  while (!shared_->items.empty()) {
    MongocStreamItem item = std::move(shared_->items.front());
    shared_->items.pop_front();
    shared_->not_full.notify_one();
    if (item.err) {
      lk.unlock();
      close();
      return *item.err;
    }
    if (item.token) position_ = StreamStart::after(std::move(*item.token));
    if (item.doc) {
      doc = std::move(*item.doc);
      return true;
    }
  }
  return false;
}

void MongocChangeStream::close() {
  if (!shared_) return;
  bool exited = false;
  {
    std::unique_lock<std::mutex> lk(shared_->mu);
    shared_->stop = true;
    shared_->not_full.notify_all();
    exited = shared_->ended.wait_for(lk, kCloseWait, [&] { return shared_->exited; });
  }
  if (thread_.joinable()) {
    if (exited) {
      thread_.join();
    } else {
      thread_.detach();  // blocked in the driver: it frees the stream when the call returns
    }
  }
  shared_.reset();
}

BsonDoc MongocChangeStream::pipeline(const StreamScope& scope) {
  BsonDoc p;
  bson_t stages, match, cond, or_list;
  BSON_APPEND_ARRAY_BEGIN(p.get(), "pipeline", &stages);
  if (scope.collections.size() > 1) {
    BSON_APPEND_DOCUMENT_BEGIN(&stages, "0", &match);
    BSON_APPEND_DOCUMENT_BEGIN(&match, "$match", &cond);
    BSON_APPEND_ARRAY_BEGIN(&cond, "$or", &or_list);
    const char* fields[] = {"ns.coll", "to.coll"};
    for (int k = 0; k < 2; ++k) {
      bson_t alt, in, names;
      BSON_APPEND_DOCUMENT_BEGIN(&or_list, k == 0 ? "0" : "1", &alt);
      BSON_APPEND_DOCUMENT_BEGIN(&alt, fields[k], &in);
      BSON_APPEND_ARRAY_BEGIN(&in, "$in", &names);
      for (size_t n = 0; n < scope.collections.size(); ++n) {
        const std::string idx = std::to_string(n);
        BSON_APPEND_UTF8(&names, idx.c_str(), scope.collections[n].c_str());
      }
      bson_append_array_end(&in, &names);
      bson_append_document_end(&alt, &in);
      bson_append_document_end(&or_list, &alt);
    }
    bson_t alt, in, ops;
    BSON_APPEND_DOCUMENT_BEGIN(&or_list, "2", &alt);
    BSON_APPEND_DOCUMENT_BEGIN(&alt, "operationType", &in);
    BSON_APPEND_ARRAY_BEGIN(&in, "$in", &ops);
    BSON_APPEND_UTF8(&ops, "0", "dropDatabase");
    BSON_APPEND_UTF8(&ops, "1", "invalidate");
    bson_append_array_end(&in, &ops);
    bson_append_document_end(&alt, &in);
    bson_append_document_end(&or_list, &alt);
    bson_append_array_end(&cond, &or_list);
    bson_append_document_end(&match, &cond);
    bson_append_document_end(&stages, &match);
  }
  bson_append_array_end(p.get(), &stages);
  return p;
}

BsonDoc MongocChangeStream::options(const Settings& s, const StreamStart& start) {
  BsonDoc o;
  if (s.full_document == FullDocument::UpdateLookup) {
    BSON_APPEND_UTF8(o.get(), "fullDocument", "updateLookup");
  } else if (s.full_document == FullDocument::WhenAvailable) {
    BSON_APPEND_UTF8(o.get(), "fullDocument", "whenAvailable");
  }
  if (s.before_images) BSON_APPEND_UTF8(o.get(), "fullDocumentBeforeChange", "whenAvailable");
  if (start.kind == StreamStart::Kind::ResumeAfter) {
    BSON_APPEND_DOCUMENT(o.get(), "resumeAfter", start.token.get());
  } else if (start.kind == StreamStart::Kind::AtOperationTime) {
    BSON_APPEND_TIMESTAMP(o.get(), "startAtOperationTime", start.t, start.i);
  }
  BSON_APPEND_INT32(o.get(), "batchSize", static_cast<int32_t>(s.batch_size));
  BSON_APPEND_INT64(o.get(), "maxAwaitTimeMS", kMaxAwaitMs);
  return o;
}

}  // namespace sluice::operators::mongodb
