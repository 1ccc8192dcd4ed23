#include "operators/mongodb/mongo_source_state.h"

#include "base/json.h"
#include "operators/mongodb/errc.h"

namespace sluice::operators::mongodb {
namespace {

Value name_value(const CollectionName& c) {
  Object o;
  o.append(intern("db"), Value::string(c.db));
  o.append(intern("coll"), Value::string(c.coll));
  return Value::object(std::move(o));
}

bool name_of(const Value* v, CollectionName& out) {
  if (v == nullptr || v->type() != Type::Object) return false;
  const Value* db = v->as_object().find(intern("db"));
  const Value* coll = v->as_object().find(intern("coll"));
  if (db == nullptr || coll == nullptr || db->type() != Type::String ||
      coll->type() != Type::String) {
    return false;
  }
  out = {db->as_string(), coll->as_string()};
  return true;
}

// A BSON document from canonical extended JSON; false when the text does not parse.
bool bson_of(const std::string& text, BsonDoc& out) {
  bson_error_t err;
  bson_t* b = bson_new_from_json(reinterpret_cast<const uint8_t*>(text.data()),
                                 static_cast<ssize_t>(text.size()), &err);
  if (b == nullptr) return false;
  out = BsonDoc(b);
  return true;
}

Value resume_value(const StreamStart& s) {
  Object o;
  if (s.kind == StreamStart::Kind::ResumeAfter) {
    o.append(intern("token"), Value::string(s.token.canonical_json()));
  } else if (s.kind == StreamStart::Kind::AtOperationTime) {
    o.append(intern("t"), Value::int64(s.t));
    o.append(intern("i"), Value::int64(s.i));
  }
  return Value::object(std::move(o));
}

bool resume_of(const Value* v, StreamStart& out) {
  if (v == nullptr || v->type() != Type::Object) return false;
  const Object& o = v->as_object();
  const Value* token = o.find(intern("token"));
  const Value* t = o.find(intern("t"));
  const Value* i = o.find(intern("i"));
  if (token != nullptr) {
    BsonDoc doc;
    if (token->type() != Type::String || !bson_of(token->as_string(), doc)) return false;
    out = StreamStart::after(std::move(doc));
    return true;
  }
  if (t != nullptr && i != nullptr && t->type() == Type::Int && i->type() == Type::Int) {
    out = StreamStart::at(static_cast<uint32_t>(t->as_int()), static_cast<uint32_t>(i->as_int()));
    return true;
  }
  out = StreamStart();
  return true;
}

error bad_source_state(const std::string& why) {
  return error::permanent(errc::bad_state, "source mongodb: checkpoint state: " + why);
}

}  // namespace

std::string MongoSourceState::encode() const {
  Object o;
  o.append(intern("version"), Value::int64(1));
  o.append(intern("phase"), Value::string(phase == Phase::Snapshot ? "snapshot" : "stream"));
  o.append(intern("resume"), resume_value(resume));
  if (phase == Phase::Snapshot) {
    List d;
    for (const auto& c : done) d.push_back(name_value(c));
    o.append(intern("done"), Value::list(std::move(d)));
    if (!current.coll.empty()) o.append(intern("current"), name_value(current));
    if (!after.empty()) o.append(intern("after"), Value::string(after.canonical_json()));
    o.append(intern("read"), Value::int64(read));
  }
  return json::encode(Value::object(std::move(o)));
}

result<MongoSourceState> MongoSourceState::decode(const std::string& text) {
  auto v = json::parse(text);
  if (!v.ok() || v->type() != Type::Object) return bad_source_state("not a JSON object");
  const Object& o = v->as_object();
  MongoSourceState s;
  const Value* phase = o.find(intern("phase"));
  if (phase == nullptr || phase->type() != Type::String ||
      (phase->as_string() != "snapshot" && phase->as_string() != "stream")) {
    return bad_source_state("no phase");
  }
  s.phase = phase->as_string() == "snapshot" ? Phase::Snapshot : Phase::Stream;
  if (!resume_of(o.find(intern("resume")), s.resume)) return bad_source_state("bad resume point");
  if (const Value* d = o.find(intern("done")); d != nullptr && d->type() == Type::List) {
    for (const auto& item : d->as_list()) {
      CollectionName c;
      if (!name_of(&item, c)) return bad_source_state("bad collection in done");
      s.done.push_back(std::move(c));
    }
  }
  if (const Value* c = o.find(intern("current")); c != nullptr && !name_of(c, s.current)) {
    return bad_source_state("bad current collection");
  }
  if (const Value* a = o.find(intern("after")); a != nullptr) {
    if (a->type() != Type::String || !bson_of(a->as_string(), s.after)) {
      return bad_source_state("bad last _id");
    }
  }
  if (const Value* r = o.find(intern("read")); r != nullptr && r->type() == Type::Int) {
    s.read = r->as_int();
  }
  return s;
}

}  // namespace sluice::operators::mongodb
