#include "engine/actors/output_port.h"

#include "engine/actors/messages.h"

namespace sluice::engine {

OutputPort::OutputPort(int32_t port_id, const PortSpec& spec) : port_id_(port_id) {
  for (const auto& g : spec.groups) {
    Group grp;
    for (const auto& t : g) {
      grp.targets.push_back(targets_.size());
      targets_.push_back(Target{t.actor, t.channel, t.credit, {}});
    }
    groups_.push_back(std::move(grp));
  }
}

bool OutputPort::can_send() const {
  if (queued_ > 0) return false;
  for (const auto& t : targets_) {
    if (t.credit <= 0) return false;
  }
  return true;
}

const std::vector<Sym>& OutputPort::pk_syms(const SourceMeta* m) {
  auto it = pk_cache_.find(m);
  if (it != pk_cache_.end()) return it->second;
  std::vector<Sym> syms;
  for (const auto& c : m->primary_key) syms.push_back(intern(c));
  return pk_cache_.emplace(m, std::move(syms)).first->second;
}

void OutputPort::emit_data(caf::event_based_actor* self, std::vector<Event>&& events) {
  if (events.empty() || groups_.empty()) return;
  for (size_t i = 0; i + 1 < groups_.size(); ++i) {
    std::vector<Event> copy = events;
    send_group(self, groups_[i], std::move(copy));
  }
  send_group(self, groups_.back(), std::move(events));
}

void OutputPort::send_group(caf::event_based_actor* self, Group& g, std::vector<Event>&& events) {
  const size_t n = g.targets.size();
  auto make = [&](std::vector<Event>&& ev) {
    auto b = std::make_shared<Batch>();
    b->kind = Batch::Kind::Data;
    b->seq = ++seq_;
    b->events = std::move(ev);
    return b;
  };
  if (n == 1) {
    push(self, g.targets[0], make(std::move(events)));
    return;
  }
  parts_.resize(n);
  const size_t rr = g.rr++ % n;
  for (auto& e : events) {
    size_t idx = rr;
    if (!e.key.is_null()) {
      idx = e.key.hash() % n;
    } else if (e.source && !e.source->primary_key.empty()) {
      size_t h = 0;
      for (Sym s : pk_syms(e.source.get())) {
        const Value* v = e.row.find(s);
        h = h * 1000003u ^ (v ? v->hash() : 0);
      }
      idx = h % n;
    }
    parts_[idx].push_back(std::move(e));
  }
  events.clear();
  for (size_t i = 0; i < n; ++i) {
    if (parts_[i].empty()) continue;
    push(self, g.targets[i], make(std::move(parts_[i])));
    parts_[i] = {};
  }
}

void OutputPort::emit_control(caf::event_based_actor* self, Batch::Kind kind, uint64_t barrier,
                              int64_t progress_us) {
  auto b = std::make_shared<Batch>();
  b->kind = kind;
  b->barrier = barrier;
  b->progress_us = progress_us;
  b->seq = ++seq_;
  for (size_t t = 0; t < targets_.size(); ++t) push(self, t, b);
}

void OutputPort::push(caf::event_based_actor* self, size_t t, BatchPtr b) {
  targets_[t].pending.push_back(std::move(b));
  ++queued_;
  flush(self, t);
}

void OutputPort::flush(caf::event_based_actor* self, size_t t) {
  Target& tg = targets_[t];
  while (!tg.pending.empty()) {
    BatchPtr& b = tg.pending.front();
    const bool data = b->kind == Batch::Kind::Data;
    // Control batches carry no records and pass once everything before them went out.
    if (data && tg.credit <= 0) break;
    if (data) tg.credit -= static_cast<int64_t>(b->events.size());
    self->send(tg.actor, data_atom::value, tg.channel, port_id_, static_cast<int32_t>(t),
               std::move(b));
    tg.pending.pop_front();
    --queued_;
  }
}

void OutputPort::on_credit(caf::event_based_actor* self, int32_t target, int64_t records) {
  if (target < 0 || static_cast<size_t>(target) >= targets_.size()) return;
  targets_[target].credit += records;
  flush(self, static_cast<size_t>(target));
}

}  // namespace sluice::engine
