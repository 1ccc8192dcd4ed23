#include "operators/postgres/event_identity.h"

#include "base/json.h"
#include "operators/postgres/written_ids.h"

namespace sluice::operators::postgres {

std::string EventIdentity::id(const Event& e) {
  std::string id;
  append(e, id);
  return id;
}

namespace {

// A snapshot read (its position says snapshot: true, snapshot_position() of the mysql source).
bool snapshot_read(const Event& e) {
  if (e.op != Op::Read || e.position.type() != Type::Object) return false;
  static const Sym s_snapshot = intern("snapshot");
  const Value* s = e.position.as_object().find(s_snapshot);
  return s != nullptr && s->type() == Type::Bool && s->as_bool();
}

// A snapshot read's position is where its view was taken, and a read again after a restart
// is taken elsewhere (a lock-free chunk re-read at a later binlog position). It is identified
// by its table and the row it read instead: a replay that reads the same row again is
// recognised as written; one that reads a changed row is a read of its own.
void append_snapshot_read(const Event& e, std::string& id) {
  id += "snapshot:";
  if (e.source) {
    id += e.source->db;
    id += '.';
    id += e.source->table;
  }
  id += ':';
  thread_local std::string row;  // scratch: no allocation per snapshot row once it has grown
  row.clear();
  for (const auto& f : e.row.fields()) {
    json::encode_string(sym_name(f.name), row);
    json::encode(f.value, row);
  }
  id += std::to_string(WrittenIds::hash(row));
}

}  // namespace

void EventIdentity::append(const Event& e, std::string& id) {
  id += op_code(e.op);
  id += '|';
  if (snapshot_read(e)) {
    append_snapshot_read(e, id);
  } else if (!e.position.is_null()) {
    json::encode(e.position, id);
  }
  id += '|';
  if (!e.key.is_null()) {
    json::encode(e.key, id);
  } else if (e.source) {
    for (const auto& k : e.source->primary_key) {
      const Value* v = e.row.find(intern(k));
      if (v != nullptr) json::encode(*v, id);
      id += ',';
    }
  }
}

uint64_t EventIdentity::hash(const Event& e, std::string& buf) {
  buf.clear();
  append(e, buf);
  if (e.key.is_null() && (!e.source || e.source->primary_key.empty())) {
    for (const auto& f : e.row.fields()) {  // no key: the row identifies the event
      json::encode_string(sym_name(f.name), buf);
      json::encode(f.value, buf);
    }
  }
  return WrittenIds::hash(buf);
}

}  // namespace sluice::operators::postgres
