#include "reconcile/mongo_source_side.h"

#include <utility>

#include "base/temporal.h"
#include "operators/mongodb/bson_value_decoder.h"
#include "operators/mongodb/mongoc_collection_reader.h"
#include "operators/mongodb/mongoc_source_client.h"
#include "reconcile/chunk_sides.h"
#include "reconcile/errc.h"

namespace sluice::reconcile {
namespace {

namespace mg = operators::mongodb;

// The position of the events a repair sends: {"reconcile": true}.
Value reconcile_position() {
  Object pos;
  pos.append(intern("reconcile"), Value::boolean(true));
  return Value::object(std::move(pos));
}

// {"_id": the document's _id}; empty when it has none.
mg::BsonDoc id_of_document(const bson_t* doc) {
  mg::BsonDoc out;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, "_id")) bson_append_iter(out.get(), "_id", 3, &it);
  return out;
}

}  // namespace

MongoSourceSide::MongoSourceSide(mg::MongoSourceOptions o, std::unique_ptr<mg::CollectionReader> r)
    : o_(std::move(o)), reader_(std::move(r)), decoder_(o_.stage, o_.full_document) {}

result<std::unique_ptr<mg::CollectionReader>> MongoSourceSide::mongoc_reader(
    const mg::MongoSourceOptions& o) {
  const std::string where = "source mongodb " + o.stage + ": ";
  auto client = mg::MongocSourceClient::create(o.uri, where);
  if (!client.ok()) return client.err();
  return std::unique_ptr<mg::CollectionReader>(
      new mg::MongocCollectionReader(*client, o.batch_size, where));
}

result<std::vector<SourceTable>> MongoSourceSide::tables() {
  auto all = reader_->collections(o_.scope());
  if (!all.ok()) {
    return error::permanent(errc::connect, "source '" + o_.stage + "': " + all.err().message);
  }
  std::vector<SourceTable> out;
  for (auto& c : *all) out.push_back({std::move(c.db), std::move(c.coll), {}});
  return out;
}

result<void> MongoSourceSide::read_collection(const TablePair& pr, ReconcileTarget& target,
                                              TableDiff& diff, ChunkSide& src) {
  ids_.clear();
  if (auto s = reader_->scan({pr.db, pr.table}, mg::BsonDoc()); !s)
    return error::permanent(errc::compare, s.err().message);
  const Value position = reconcile_position();
  mg::BsonDoc doc;
  while (true) {
    auto more = reader_->next(doc);
    if (!more.ok()) return error::permanent(errc::compare, more.err().message);
    if (!*more) return {};
    auto e = decoder_.read(pr.db, pr.table, doc.get(), position, 0);
    if (!e.ok()) {  // the source dead-letters it too: reported, not compared
      diff.not_compared.push_back(id_of_document(doc.get()).canonical_json() + ": " +
                                  e.err().message);
      continue;
    }
    auto d = target.source_document(e->row);
    if (!d.ok()) return d.err();
    ids_[d->key_text.empty() ? std::string() : d->key_text[0]] = id_of_document(doc.get());
    src.add(std::move(d).value());
  }
}

result<TableDiff> MongoSourceSide::compare(const TablePair& pr, ReconcileTarget& target) {
  TableDiff diff;
  diff.source = pr.db + "." + pr.table;
  diff.target = target.name();
  RowLayout layout;
  layout.db = pr.db;
  layout.table = pr.table;
  layout.key_columns = 1;
  layout.documents = true;
  if (auto b = target.begin(layout); !b) return b.err();
  ChunkSide src, dst;
  if (auto r = read_collection(pr, target, diff, src); !r) return r.err();
  auto t = target.rows({}, [&](RowDigest&& d) { dst.add(std::move(d)); });
  if (!t.ok()) return t.err();
  tally_chunk(src, dst, diff);
  return diff;
}

Event MongoSourceSide::delete_of(const TablePair& pr, Value id) {
  Event e;
  e.op = Op::Delete;
  e.ts = temporal::now_micros();
  e.position = reconcile_position();
  e.source = decoder_.meta(pr.db, pr.table);
  e.key = id;
  e.row.append(intern("_id"), std::move(id));
  return e;
}

result<std::vector<Event>> MongoSourceSide::repair(const TablePair& pr, const TableDiff& diff) {
  std::vector<mg::BsonDoc> ids;
  for (const auto* keys : {&diff.missing, &diff.different}) {
    for (const auto& k : *keys) {
      auto it = ids_.find(k.empty() ? std::string() : k[0]);
      if (it != ids_.end()) ids.push_back(it->second);
    }
  }
  auto docs = reader_->read_ids({pr.db, pr.table}, ids);
  if (!docs.ok()) return error::permanent(errc::repair, docs.err().message);
  std::vector<Event> out;
  const Value position = reconcile_position();
  const int64_t now = temporal::now_micros();
  std::map<std::string, bool> found;
  for (const auto& doc : *docs) {
    auto e = decoder_.read(pr.db, pr.table, doc.get(), position, now);
    if (!e.ok()) return error::permanent(errc::repair, e.err().message);
    found[id_of_document(doc.get()).canonical_json()] = true;
    out.push_back(std::move(e).value());
  }
  for (const auto& id : ids) {  // deleted since the compare
    if (found.count(id.canonical_json()) != 0) continue;
    bson_iter_t it;
    if (!bson_iter_init_find(&it, id.get(), "_id")) continue;
    auto v = mg::BsonValueDecoder::value(&it, "_id");
    if (!v.ok()) return error::permanent(errc::repair, v.err().message);
    out.push_back(delete_of(pr, std::move(v).value()));
  }
  for (const Value& id : diff.extra_ids) out.push_back(delete_of(pr, id));
  return out;
}

}  // namespace sluice::reconcile
