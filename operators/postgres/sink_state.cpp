#include "operators/postgres/sink_state.h"

#include "base/json.h"

namespace sluice::operators::postgres {

SinkState SinkState::parse(const std::string& text) {
  SinkState s;
  if (text.empty()) return s;
  auto st = json::parse(text);
  if (!st.ok() || st->type() != Type::Object) return s;
  const Object& o = st->as_object();
  const Value* seq = o.find(intern("seq"));
  if (seq != nullptr && seq->type() == Type::Int) s.seq = seq->as_int();
  const Value* lin = o.find(intern("lineage"));
  if (lin != nullptr && lin->type() == Type::String) s.lineage = lin->as_string();
  const Value* sl = o.find(intern("slots"));
  if (sl != nullptr && sl->type() == Type::Int) s.slots = static_cast<int>(sl->as_int());
  const Value* ck = o.find(intern("ckpt"));
  if (ck != nullptr && ck->type() == Type::Int) s.ckpt = static_cast<uint64_t>(ck->as_int());
  return s;
}

std::string SinkState::encode(const std::string& position) const {
  return std::string("{\"position\":") + (position.empty() ? "null" : position) +
         ",\"seq\":" + std::to_string(seq) + ",\"lineage\":\"" + lineage +
         "\",\"slots\":" + std::to_string(slots) + ",\"ckpt\":" + std::to_string(ckpt.value_or(0)) +
         "}";
}

}  // namespace sluice::operators::postgres
