#include "operators/mongodb/bulk_planner.h"

#include <unordered_map>

#include "base/json.h"
#include "operators/common/stage_options.h"
#include "operators/mongodb/bson_encoder.h"

namespace sluice::operators::mongodb {
namespace {

std::vector<Sym> split_path(const std::string& s) {
  std::vector<Sym> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(
        intern(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start)));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string last_segment(const std::string& s) {
  size_t dot = s.rfind('.');
  return dot == std::string::npos ? s : s.substr(dot + 1);
}

std::string raw_bytes(const BsonDoc& d) {
  return std::string(reinterpret_cast<const char*>(bson_get_data(d.get())), d.get()->len);
}

}  // namespace

BulkPlanner::BulkPlanner(const MongoOptions& opts) : opts_(opts) {
  for (const auto& k : opts_.key) {
    key_paths_.push_back(split_path(k));
    key_names_.push_back(last_segment(k));
  }
}

void BulkPlanner::dead_letter(const Event& e, error_code code, const std::string& message,
                              std::vector<Event>& dead) const {
  Event copy = e;
  mark_dead(copy, opts_.stage, code, "mongodb: " + message);
  dead.push_back(std::move(copy));
}

bool BulkPlanner::collection_of(const Event& e, std::string& name, error& err) const {
  if (opts_.collection) {
    eval::Context ctx;
    ctx.event = &e;
    ctx.row = &e.row;
    auto v = eval::evaluate(*opts_.collection, ctx);
    if (!v.ok()) {
      err = error::permanent(v.err().code, "collection expression: " + v.err().message);
      return false;
    }
    if (v->type() != Type::String || v->as_string().empty()) {
      err = error::permanent(errc::bad_collection,
                             "collection expression gave " + v->to_display() + ", not a name");
      return false;
    }
    name = std::move(v->as_string());
  } else if (!opts_.collection_constant.empty()) {
    name = opts_.collection_constant;
  } else if (e.source && !e.source->table.empty()) {
    name = e.source->table;
  } else {
    err = error::permanent(errc::bad_collection,
                           "no collection: the event has no source table (set option collection)");
    return false;
  }
  if (name.find('\0') != std::string::npos || name.find('$') != std::string::npos ||
      name.size() > 200) {
    err = error::permanent(errc::bad_collection, "invalid collection name '" + name + "'");
    return false;
  }
  return true;
}

bool BulkPlanner::append_named_id(const Object& row, const std::vector<std::vector<Sym>>& paths,
                                  const std::vector<std::string>& names, bson_t* out,
                                  error& err) const {
  auto value_at = [&](size_t i) -> const Value* {
    const Value* v = row.find_path(paths[i].data(), paths[i].size());
    if (v == nullptr)
      err = error::permanent(errc::no_key, "key field " + names[i] + " is missing from the record");
    return v;
  };
  if (paths.size() == 1) {
    const Value* v = value_at(0);
    return v != nullptr && BsonEncoder::append(out, "_id", *v, err.message, 1);
  }
  bson_t id;
  bson_append_document_begin(out, "_id", 3, &id);
  bool ok = true;
  for (size_t i = 0; ok && i < paths.size(); ++i) {
    const Value* v = value_at(i);
    ok = v != nullptr && BsonEncoder::append(&id, names[i], *v, err.message, 2);
  }
  bson_append_document_end(out, &id);
  return ok;
}

bool BulkPlanner::append_id(const Event& e, bson_t* out, error& err) const {
  if (!key_paths_.empty()) return append_named_id(e.row, key_paths_, key_names_, out, err);
  if (!e.key.is_null()) {
    if (e.key.type() != Type::List) return BsonEncoder::append(out, "_id", e.key, err.message, 1);
    const List& parts = e.key.as_list();
    if (parts.empty()) {
      err = error::permanent(errc::no_key, "the record key is an empty list");
      return false;
    }
    if (parts.size() == 1) return BsonEncoder::append(out, "_id", parts[0], err.message, 1);
    bool named = e.source && e.source->primary_key.size() == parts.size();
    bson_t id;
    bson_append_document_begin(out, "_id", 3, &id);
    bool ok = true;
    for (size_t i = 0; ok && i < parts.size(); ++i) {
      std::string name = named ? e.source->primary_key[i] : std::to_string(i);
      ok = BsonEncoder::append(&id, name, parts[i], err.message, 2);
    }
    bson_append_document_end(out, &id);
    return ok;
  }
  if (e.source && !e.source->primary_key.empty()) {
    std::vector<std::vector<Sym>> paths;
    for (const auto& k : e.source->primary_key) paths.push_back({intern(k)});
    return append_named_id(e.row, paths, e.source->primary_key, out, err);
  }
  static const Sym id = intern("_id");
  if (const Value* v = e.row.find(id); v != nullptr) {
    return BsonEncoder::append(out, "_id", *v, err.message, 1);
  }
  err = error::permanent(
      errc::no_key,
      "no key: set option key, use a `key` statement, or read a table with a primary key");
  return false;
}

bool BulkPlanner::keyless(const Event& e) const {
  static const Sym id = intern("_id");
  return opts_.mode == Mode::Upsert && key_paths_.empty() && e.key.is_null() &&
         e.source != nullptr && !e.source->column_names.empty() && e.source->primary_key.empty() &&
         e.row.find(id) == nullptr;
}

bool BulkPlanner::build_keyless(const Event& e, WriteOp& op, error& err) const {
  switch (e.op) {
    case Op::Delete:
      op.kind = WriteOp::Kind::Delete;
      return BsonEncoder::append_fields(op.filter.get(), e.row, err.message);
    case Op::Update:
      if (!e.has_before) {
        err = error::permanent(
            errc::no_before_image,
            "table without a key: the update carries no before image to find the document by "
            "(binlog_row_image = FULL on the source server)");
        return false;
      }
      op.kind = WriteOp::Kind::Replace;
      return BsonEncoder::append_fields(op.filter.get(), e.before, err.message) &&
             BsonEncoder::append_fields(op.body.get(), e.row, err.message, 0, true);
    default:
      op.kind = WriteOp::Kind::Insert;
      return BsonEncoder::append_fields(op.body.get(), e.row, err.message);
  }
}

bool BulkPlanner::build(const Event& e, size_t index, bool force_replace, WriteOp& op,
                        error& err) const {
  op.event = index;
  if (keyless(e)) return build_keyless(e, op, err);
  if (opts_.mode == Mode::Append) {
    op.kind = WriteOp::Kind::Insert;
    bson_t* b = op.body.get();
    if (!BsonEncoder::append_fields(b, e.row, err.message)) return false;
    bson_append_utf8(b, "cdc_operation", -1, op_code(e.op), 1);
    bson_append_date_time(b, "cdc_timestamp", -1, BsonEncoder::micros_to_millis(e.ts));
    if (e.position.is_null()) {
      bson_append_null(b, "cdc_position", -1);
    } else {
      std::string pos = json::encode(e.position);
      bson_append_utf8(b, "cdc_position", -1, pos.data(), static_cast<int>(pos.size()));
    }
    return true;
  }
  if (!append_id(e, op.filter.get(), err)) return false;
  if (e.op == Op::Delete) {
    op.kind = WriteOp::Kind::Delete;
    return true;
  }
  op.upsert = true;
  static const Sym id_sym = intern("_id");
  bool only_id = true;
  for (const Field& f : e.row.fields()) only_id = only_id && f.name == id_sym;
  if (opts_.update == Update::Set && !force_replace && !only_id) {
    op.kind = WriteOp::Kind::Update;
    bson_t set;
    bson_append_document_begin(op.body.get(), "$set", 4, &set);
    bool ok = BsonEncoder::append_fields(&set, e.row, err.message, 1, true);
    bson_append_document_end(op.body.get(), &set);
    return ok;
  }
  op.kind = WriteOp::Kind::Replace;
  bson_iter_t it;
  if (bson_iter_init_find(&it, op.filter.get(), "_id")) {
    bson_append_iter(op.body.get(), "_id", 3, &it);
  }
  return BsonEncoder::append_fields(op.body.get(), e.row, err.message, 0, true);
}

std::vector<CollectionBatch> BulkPlanner::plan(const std::vector<const Event*>& evs,
                                               std::vector<Event>& dead) const {
  std::vector<CollectionBatch> out;
  std::unordered_map<std::string, size_t> by_name;
  std::unordered_map<std::string, size_t> keyless_batch;  // ordered batches (tables without key)
  // Per collection: _id bytes -> op index, and whether a delete of that _id came earlier.
  std::vector<std::unordered_map<std::string, size_t>> by_id;
  std::vector<std::vector<bool>> after_delete;
  std::string name;
  error err;
  for (size_t i = 0; i < evs.size(); ++i) {
    const Event& e = *evs[i];
    err = error::permanent(errc::encode, "");
    if (!collection_of(e, name, err)) {
      dead_letter(e, err.code, err.message, dead);
      continue;
    }
    if (e.op == Op::Truncate && opts_.mode != Mode::Append) {
      // deleteMany({}) in order: what this flush planned for the collection so far would be
      // deleted by it, so it is dropped; the deleteMany gets a batch of its own and later
      // events of the collection a new batch after it (batches run one after another).
      if (auto kb = keyless_batch.find(name); kb != keyless_batch.end()) {
        out[kb->second].ops.clear();
        keyless_batch.erase(kb);
      }
      auto found = by_name.find(name);
      size_t c = out.size();
      if (found != by_name.end()) {
        c = found->second;
        out[c].ops.clear();
        by_name.erase(found);
      } else {
        out.push_back(CollectionBatch{name, {}});
        by_id.emplace_back();
        after_delete.emplace_back();
      }
      WriteOp all;
      all.kind = WriteOp::Kind::DeleteAll;
      all.event = i;
      out[c].ops.push_back(std::move(all));
      continue;
    }
    WriteOp op;
    if (!build(e, i, false, op, err)) {
      dead_letter(e, err.code, err.message, dead);
      continue;
    }
    if (keyless(e)) {  // in order, in an ordered batch of the collection's own
      auto [kb, fresh] = keyless_batch.emplace(name, out.size());
      if (fresh) {
        out.push_back(CollectionBatch{name, {}, true});
        by_id.emplace_back();
        after_delete.emplace_back();
      }
      out[kb->second].ops.push_back(std::move(op));
      continue;
    }
    auto [it, fresh] = by_name.emplace(name, out.size());
    if (fresh) {
      out.push_back(CollectionBatch{name, {}});
      by_id.emplace_back();
      after_delete.emplace_back();
    }
    size_t c = it->second;
    auto& ops = out[c].ops;
    if (opts_.mode == Mode::Append) {
      ops.push_back(std::move(op));
      continue;
    }
    auto [slot, first] = by_id[c].emplace(raw_bytes(op.filter), ops.size());
    if (first) {
      ops.push_back(std::move(op));
      after_delete[c].push_back(false);
      continue;
    }
    size_t at = slot->second;
    bool deleted_before = after_delete[c][at] || ops[at].kind == WriteOp::Kind::Delete;
    if (op.kind == WriteOp::Kind::Update && deleted_before) {
      WriteOp replace;
      if (!build(e, i, true, replace, err)) {
        dead_letter(e, err.code, err.message, dead);
        continue;
      }
      op = std::move(replace);
    }
    after_delete[c][at] = deleted_before;
    ops[at] = std::move(op);
  }
  return out;
}

}  // namespace sluice::operators::mongodb
