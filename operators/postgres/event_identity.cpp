#include "operators/postgres/event_identity.h"

#include "base/json.h"
#include "operators/postgres/written_ids.h"

namespace sluice::operators::postgres {

std::string EventIdentity::id(const Event& e) {
  std::string id;
  append(e, id);
  return id;
}

void EventIdentity::append(const Event& e, std::string& id) {
  id += op_code(e.op);
  id += '|';
  if (!e.position.is_null()) json::encode(e.position, id);
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
