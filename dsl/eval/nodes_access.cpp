#include "dsl/eval/nodes_access.h"

namespace sluice::eval {
namespace {

const Value* op_value(Op op) {
  static const Value c = Value::string("c"), u = Value::string("u"), d = Value::string("d"),
                     r = Value::string("r"), t = Value::string("t"), s = Value::string("s");
  switch (op) {
    case Op::Create:
      return &c;
    case Op::Update:
      return &u;
    case Op::Delete:
      return &d;
    case Op::Read:
      return &r;
    case Op::Truncate:
      return &t;
    case Op::Schema:
      return &s;
  }
  return &null_value();
}

// Strings of the (shared, rarely changing) source metadata, without allocating per record
// when consecutive records come from the same table.
const Value* cached_string(const std::string& s, int slot, Value& scratch) {
  thread_local Value cache[4];
  Value& c = cache[slot];
  if (c.type() == Type::String && c.as_string() == s) return &c;
  c = Value::string(s);
  (void)scratch;
  return &c;
}

}  // namespace

const Value* MetaNode::peek(const Context& ctx, Value& scratch) const {
  const Event* e = ctx.event;
  if (e == nullptr) return &null_value();
  const SourceMeta* src = e->source.get();
  switch (kind_) {
    case Kind::Op:
      return op_value(e->op);
    case Kind::Before: {
      if (!e->has_before) return &null_value();
      if (path_.empty()) {
        scratch = Value::object(e->before);
        return &scratch;
      }
      const Value* v = e->before.find_path(path_.data(), path_.size());
      return v != nullptr ? v : &null_value();
    }
    case Kind::Source: {
      if (src == nullptr) return &null_value();
      Object o;
      o.append(intern("connector"), Value::string(src->connector));
      o.append(intern("name"), Value::string(src->name));
      o.append(intern("db"), Value::string(src->db));
      o.append(intern("table"), Value::string(src->table));
      scratch = Value::object(std::move(o));
      return &scratch;
    }
    case Kind::SourceDb:
      return src == nullptr ? &null_value() : cached_string(src->db, 0, scratch);
    case Kind::SourceTable:
      return src == nullptr ? &null_value() : cached_string(src->table, 1, scratch);
    case Kind::SourceName:
      return src == nullptr ? &null_value() : cached_string(src->name, 2, scratch);
    case Kind::SourceConnector:
      return src == nullptr ? &null_value() : cached_string(src->connector, 3, scratch);
    case Kind::Ts:
      scratch = Value::timestamp(e->ts);
      return &scratch;
    case Kind::Position:
      return &e->position;
    case Kind::Key:
      return &e->key;
  }
  return &null_value();
}

}  // namespace sluice::eval
