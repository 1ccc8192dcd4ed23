#include "operators/mongodb/change_event_decoder.h"

#include <cstdint>
#include <cstring>

#include "operators/common/stage_options.h"
#include "operators/mongodb/bson_doc.h"
#include "operators/mongodb/bson_value_decoder.h"
#include "operators/mongodb/errc.h"

namespace sluice::operators::mongodb {
namespace {

// The parts of a change document the decoder reads: iterators into it.
struct ChangeParts {
  std::string op;
  BsonDoc token;  // a copy of _id (a static bson_t would point into itself: not copyable)
  bool has_token = false;
  uint32_t t = 0, i = 0;  // clusterTime
  int64_t wall_ms = 0;
  bool has_wall = false;
  bson_iter_t ns, to, key, full, before, update;
  bool has_ns = false, has_to = false, has_key = false;
  bool has_full = false, has_before = false, has_update = false;  // present as documents
};

// The event time: wallTime (MongoDB 6.0+, milliseconds), else clusterTime's seconds.
int64_t change_ts(const ChangeParts& p) {
  constexpr int64_t kMaxMillis = INT64_MAX / 1000;
  if (p.has_wall && p.wall_ms < kMaxMillis && p.wall_ms > -kMaxMillis) return p.wall_ms * 1000;
  return static_cast<int64_t>(p.t) * 1000000;
}

bool is_field(const bson_iter_t* it, const char* name) {
  return std::strcmp(bson_iter_key(it), name) == 0;
}

// Sets `it` to the document field `src` points at; false when it is no document (or null).
bool document_field(const bson_iter_t* src, bson_iter_t& it) {
  if (!BSON_ITER_HOLDS_DOCUMENT(src)) return false;
  it = *src;
  return true;
}

void read_change_field(const bson_iter_t* it, ChangeParts& p) {
  if (is_field(it, "_id") && BSON_ITER_HOLDS_DOCUMENT(it)) {
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(it, &len, &data);
    bson_t* copy = bson_new_from_data(data, len);
    p.has_token = copy != nullptr;
    if (copy != nullptr) p.token = BsonDoc(copy);
  } else if (is_field(it, "operationType") && BSON_ITER_HOLDS_UTF8(it)) {
    p.op = bson_iter_utf8(it, nullptr);
  } else if (is_field(it, "clusterTime") && BSON_ITER_HOLDS_TIMESTAMP(it)) {
    bson_iter_timestamp(it, &p.t, &p.i);
  } else if (is_field(it, "wallTime") && BSON_ITER_HOLDS_DATE_TIME(it)) {
    p.wall_ms = bson_iter_date_time(it);
    p.has_wall = true;
  } else if (is_field(it, "ns")) {
    p.has_ns = document_field(it, p.ns);
  } else if (is_field(it, "to")) {
    p.has_to = document_field(it, p.to);
  } else if (is_field(it, "documentKey")) {
    p.has_key = document_field(it, p.key);
  } else if (is_field(it, "fullDocument")) {
    p.has_full = document_field(it, p.full);
  } else if (is_field(it, "fullDocumentBeforeChange")) {
    p.has_before = document_field(it, p.before);
  } else if (is_field(it, "updateDescription")) {
    p.has_update = document_field(it, p.update);
  }
}

result<ChangeParts> change_parts(const bson_t* change) {
  ChangeParts p;
  bson_iter_t it;
  if (change == nullptr || !bson_validate(change, BSON_VALIDATE_NONE, nullptr) ||
      !bson_iter_init(&it, change)) {
    return error::permanent(errc::decode, "malformed BSON document");
  }
  while (bson_iter_next(&it)) read_change_field(&it, p);
  if (!p.has_token) return error::permanent(errc::decode, "no _id (resume token) document");
  if (p.op.empty()) return error::permanent(errc::decode, "no operationType");
  return p;
}

// A string field of the namespace document `ns` ("db", "coll"); "" when absent.
std::string ns_string(const bson_iter_t& ns, const char* field) {
  bson_iter_t child;
  if (!bson_iter_recurse(&ns, &child) || !bson_iter_find(&child, field) ||
      !BSON_ITER_HOLDS_UTF8(&child)) {
    return {};
  }
  return bson_iter_utf8(&child, nullptr);
}

bool skipped_operation(const std::string& op) {
  for (const char* s : {"create", "createIndexes", "dropIndexes", "modify", "shardCollection",
                        "reshardCollection", "refineCollectionShardKey"}) {
    if (op == s) return true;
  }
  return false;
}

// documentKey._id.
result<Value> document_key_id(const ChangeParts& p, const std::string& what) {
  bson_iter_t child;
  if (!p.has_key || !bson_iter_recurse(&p.key, &child) || !bson_iter_find(&child, "_id")) {
    return error::permanent(errc::decode, what + ": no documentKey._id");
  }
  return BsonValueDecoder::value(&child, "documentKey._id");
}

// updateDescription as a partial row: updatedFields as named, removedFields as null.
result<void> partial_update(const ChangeParts& p, Object& row, const std::string& what) {
  if (!p.has_update) return error::permanent(errc::decode, what + ": no updateDescription");
  bson_iter_t child;
  if (!bson_iter_recurse(&p.update, &child)) {
    return error::permanent(errc::decode, what + ": malformed updateDescription");
  }
  while (bson_iter_next(&child)) {
    if (is_field(&child, "updatedFields") && BSON_ITER_HOLDS_DOCUMENT(&child)) {
      auto set = BsonValueDecoder::embedded(&child, "updatedFields");
      if (!set.ok()) return set.err();
      for (auto& f : set->fields()) row.set(f.name, std::move(f.value));
    } else if (is_field(&child, "removedFields") && BSON_ITER_HOLDS_ARRAY(&child)) {
      bson_iter_t names;
      if (!bson_iter_recurse(&child, &names)) continue;
      while (bson_iter_next(&names)) {
        if (BSON_ITER_HOLDS_UTF8(&names)) row.set(intern(bson_iter_utf8(&names, nullptr)), {});
      }
    }
  }
  return {};
}

// The row, key and images of insert, update, replace and delete (c.kind Row, or Skip for a
// superseded update).
result<void> row_change(const ChangeParts& p, FullDocument mode, ChangeEvent& c,
                        const std::string& what) {
  Event& e = c.event;
  c.kind = ChangeEvent::Kind::Row;
  auto id = document_key_id(p, what);
  if (!id.ok()) return id.err();
  e.key = std::move(id).value();
  if (p.has_before) {
    auto b = BsonValueDecoder::embedded(&p.before, "fullDocumentBeforeChange");
    if (!b.ok()) return b.err();
    e.before = std::move(b).value();
    e.has_before = true;
  }
  if (p.op == "delete") {
    e.op = Op::Delete;
    if (e.has_before) {
      e.row = e.before;
      return {};
    }
    auto k = BsonValueDecoder::embedded(&p.key, "documentKey");
    if (!k.ok()) return k.err();
    e.row = std::move(k).value();
    return {};
  }
  e.op = p.op == "insert" ? Op::Create : Op::Update;
  if (p.has_full) {
    auto f = BsonValueDecoder::embedded(&p.full, "fullDocument");
    if (!f.ok()) return f.err();
    e.row = std::move(f).value();
    return {};
  }
  if (p.op != "update") return error::permanent(errc::decode, what + ": no fullDocument");
  if (mode == FullDocument::UpdateLookup) {
    c.kind = ChangeEvent::Kind::Skip;
    c.note = "superseded: the document was deleted before the lookup; its delete follows";
    return {};
  }
  auto k = BsonValueDecoder::embedded(&p.key, "documentKey");
  if (!k.ok()) return k.err();
  e.row = std::move(k).value();
  c.partial = true;
  return partial_update(p, e.row, what);
}

}  // namespace

result<ChangeEvent> ChangeEventDecoder::decode(const bson_t* change) {
  auto parts = change_parts(change);
  if (!parts.ok()) return parts.err();
  const ChangeParts& p = parts.value();
  ChangeEvent c;
  c.operation = p.op;
  if (p.has_ns) {
    c.db = ns_string(p.ns, "db");
    c.collection = ns_string(p.ns, "coll");
  }
  if (p.has_to) {
    c.to_db = ns_string(p.to, "db");
    c.to_collection = ns_string(p.to, "coll");
  }
  const std::string what =
      p.op + (c.db.empty() ? "" : " on " + c.db + (c.collection.empty() ? "" : "." + c.collection));
  const bool row = p.op == "insert" || p.op == "update" || p.op == "replace" || p.op == "delete";
  if ((row || p.op == "drop" || p.op == "rename") && (c.db.empty() || c.collection.empty())) {
    return error::permanent(errc::decode, what + ": no ns.db and ns.coll");
  }
  if (row) {
    auto r = row_change(p, full_document_, c, what);
    if (!r.ok()) return r.err();
  } else if (p.op == "drop") {
    c.kind = ChangeEvent::Kind::Truncate;
    c.event.op = Op::Truncate;
  } else if (p.op == "rename") {
    if (c.to_collection.empty()) return error::permanent(errc::decode, what + ": no to.coll");
    c.kind = ChangeEvent::Kind::Rename;
  } else if (p.op == "dropDatabase") {
    c.kind = ChangeEvent::Kind::DropDatabase;
  } else if (p.op == "invalidate") {
    c.kind = ChangeEvent::Kind::Invalidate;
  } else if (skipped_operation(p.op)) {
    c.note = "no data change";
  } else {
    return error::permanent(errc::decode, "unknown operationType '" + p.op + "'");
  }
  Event& e = c.event;
  e.ts = change_ts(p);
  e.position = change_position(p.token.get(), p.t, p.i);
  if (!c.collection.empty()) e.source = meta(c.db, c.collection);
  return c;
}

std::string ChangeEventDecoder::token_text(const bson_t* token) {
  bson_iter_t it;
  if (token != nullptr && bson_iter_init_find(&it, token, "_data") && BSON_ITER_HOLDS_UTF8(&it) &&
      bson_count_keys(token) == 1) {
    return bson_iter_utf8(&it, nullptr);
  }
  if (token == nullptr) return {};
  char* j = bson_as_canonical_extended_json(token, nullptr);
  std::string out = j != nullptr ? j : "";
  bson_free(j);
  return out;
}

Value ChangeEventDecoder::change_position(const bson_t* token, uint32_t t, uint32_t i) {
  static const Sym s_token = intern("token"), s_cluster = intern("cluster_time"), s_t = intern("t"),
                   s_i = intern("i");
  Object o;
  o.append(s_token, Value::string(token_text(token)));
  if (t != 0 || i != 0) {
    Object ct;
    ct.append(s_t, Value::int64(t));
    ct.append(s_i, Value::int64(i));
    o.append(s_cluster, Value::object(std::move(ct)));
  }
  return Value::object(std::move(o));
}

std::shared_ptr<const SourceMeta> ChangeEventDecoder::meta(const std::string& db,
                                                           const std::string& coll) {
  auto& m = metas_[{db, coll}];
  if (!m) {
    auto made = std::make_shared<SourceMeta>();
    made->connector = "mongodb";
    made->name = stage_;
    made->db = db;
    made->table = coll;
    made->primary_key = {"_id"};
    m = std::move(made);
  }
  return m;
}

result<Event> ChangeEventDecoder::read(const std::string& db, const std::string& coll,
                                       const bson_t* doc, const Value& position, int64_t ts) {
  auto row = BsonValueDecoder::document(doc);
  if (!row.ok()) return row.err();
  static const Sym s_id = intern("_id");
  const Value* id = row->find(s_id);
  if (id == nullptr) return error::permanent(errc::decode, db + "." + coll + ": no _id");
  Event e;
  e.op = Op::Read;
  e.key = *id;
  e.row = std::move(row).value();
  e.ts = ts;
  e.position = position;
  e.source = meta(db, coll);
  return e;
}

namespace {

// {document: canonical extended JSON (null when it does not render), bson: the bytes}.
Object raw_document_row(const bson_t* doc) {
  static const Sym s_document = intern("document"), s_bson = intern("bson");
  Object row;
  if (doc == nullptr) return row;
  char* j = bson_validate(doc, BSON_VALIDATE_NONE, nullptr)
                ? bson_as_canonical_extended_json(doc, nullptr)
                : nullptr;
  row.append(s_document, j != nullptr ? Value::string(j) : Value());
  bson_free(j);
  row.append(s_bson, Value::bytes(
                         std::string(reinterpret_cast<const char*>(bson_get_data(doc)), doc->len)));
  return row;
}

}  // namespace

Event ChangeEventDecoder::dead_read(const std::string& db, const std::string& coll,
                                    const bson_t* doc, const Value& position, const error& why) {
  Event e;
  e.op = Op::Create;
  e.row = raw_document_row(doc);
  e.source = meta(db, coll);
  e.position = position;
  error err = why;
  if (!err.code) err.code = errc::decode;
  err.message = "snapshot of " + db + "." + coll + ": " + why.message;
  mark_dead(e, stage_, err);
  return e;
}

Event ChangeEventDecoder::dead_letter(const bson_t* change, const error& why) {
  Event e;
  e.op = Op::Create;
  e.row = raw_document_row(change);
  ChangeParts p;
  bson_iter_t it;
  if (change != nullptr && bson_validate(change, BSON_VALIDATE_NONE, nullptr) &&
      bson_iter_init(&it, change)) {
    while (bson_iter_next(&it)) read_change_field(&it, p);
  }
  const std::string db = p.has_ns ? ns_string(p.ns, "db") : "";
  const std::string coll = p.has_ns ? ns_string(p.ns, "coll") : "";
  e.source = meta(db, coll);
  if (p.has_token) e.position = change_position(p.token.get(), p.t, p.i);
  e.ts = change_ts(p);
  // The decoder's messages start with the operation and namespace when it read them.
  std::string where = p.op.empty() ? "change" : p.op;
  if (!db.empty()) where += " on " + db + (coll.empty() ? "" : "." + coll);
  error err = why;
  if (!err.code) err.code = errc::decode;
  if (why.message.rfind(where, 0) != 0) err.message = where + ": " + why.message;
  if (p.has_token) err.message += " (resume token " + token_text(p.token.get()) + ")";
  mark_dead(e, stage_, err);
  return e;
}

}  // namespace sluice::operators::mongodb
