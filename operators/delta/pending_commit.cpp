#include "operators/delta/pending_commit.h"

#include "base/json.h"
#include "operators/delta/delta_schema.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"

namespace sluice::operators::delta {
namespace {

// An action's data_change (true when the state does not say).
bool change_of(const Value& action) {
  const Value* c = json_member(action, "change");
  return c == nullptr || c->type() != Type::Bool || c->as_bool();
}

Value encode_add(const AddFile& a) {
  Object o;
  o.append(intern("path"), Value::string(a.path));
  o.append(intern("size"), Value::int64(a.size));
  o.append(intern("mtime"), Value::int64(a.modification_time));
  o.append(intern("rows"), Value::int64(a.rows));
  o.append(intern("stats"), Value::string(a.stats));
  o.append(intern("change"), Value::boolean(a.data_change));
  return Value::object(std::move(o));
}

Value encode_table(const TableCommit& t) {
  Object o;
  o.append(intern("dir"), Value::string(t.dir));
  o.append(intern("schema"), Value::string(schema_string(t.schema)));
  List adds;
  for (const AddFile& a : t.adds) adds.push_back(encode_add(a));
  o.append(intern("adds"), Value::list(std::move(adds)));
  List removes;
  for (const RemoveFile& r : t.removes) {
    Object ro;
    ro.append(intern("path"), Value::string(r.path));
    ro.append(intern("size"), Value::int64(r.size));
    ro.append(intern("change"), Value::boolean(r.data_change));
    removes.push_back(Value::object(std::move(ro)));
  }
  o.append(intern("removes"), Value::list(std::move(removes)));
  return Value::object(std::move(o));
}

result<TableCommit> decode_table(const Value& v) {
  TableCommit t;
  t.dir = json_string(v, "dir");
  auto schema = parse_schema_string(json_string(v, "schema"));
  if (!schema.ok()) return schema.err();
  t.schema = std::move(schema.value());
  const Value* adds = json_member(v, "adds");
  if (adds == nullptr || adds->type() != Type::List) {
    return error::fatal(errc::log, "sink delta: bad checkpoint state (adds)");
  }
  for (const Value& a : adds->as_list()) {
    t.adds.push_back(AddFile{json_string(a, "path"), json_int(a, "size"), json_int(a, "mtime"),
                             json_int(a, "rows"), json_string(a, "stats"), change_of(a)});
  }
  if (const Value* removes = json_member(v, "removes"); removes && removes->type() == Type::List) {
    for (const Value& r : removes->as_list()) {
      t.removes.push_back(RemoveFile{json_string(r, "path"), json_int(r, "size"), change_of(r)});
    }
  }
  return t;
}

}  // namespace

std::string encode_pending(const std::vector<PendingCommit>& pending) {
  List list;
  for (const PendingCommit& p : pending) {
    Object o;
    o.append(intern("id"), Value::uint64(p.id));
    List tables;
    for (const TableCommit& t : p.tables) tables.push_back(encode_table(t));
    o.append(intern("tables"), Value::list(std::move(tables)));
    list.push_back(Value::object(std::move(o)));
  }
  Object state;
  state.append(intern("pending"), Value::list(std::move(list)));
  return json::encode(Value::object(std::move(state)));
}

result<std::vector<PendingCommit>> decode_pending(const std::string& state) {
  std::vector<PendingCommit> out;
  if (state.empty()) return out;
  auto parsed = json::parse(state);
  if (!parsed.ok()) return error::fatal(errc::log, "sink delta: bad checkpoint state");
  const Value* list = json_member(parsed.value(), "pending");
  if (list == nullptr || list->type() != Type::List) {
    return error::fatal(errc::log, "sink delta: bad checkpoint state (pending)");
  }
  for (const Value& p : list->as_list()) {
    PendingCommit pc;
    const Value* id = json_member(p, "id");
    if (id != nullptr && id->type() == Type::UInt) pc.id = id->as_uint();
    if (id != nullptr && id->type() == Type::Int) pc.id = static_cast<uint64_t>(id->as_int());
    const Value* tables = json_member(p, "tables");
    if (tables == nullptr || tables->type() != Type::List) continue;
    for (const Value& t : tables->as_list()) {
      auto tc = decode_table(t);
      if (!tc.ok()) return tc.err();
      pc.tables.push_back(std::move(tc.value()));
    }
    out.push_back(std::move(pc));
  }
  return out;
}

}  // namespace sluice::operators::delta
