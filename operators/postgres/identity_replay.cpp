#include "operators/postgres/identity_replay.h"

#include <pqxx/pqxx>

#include "base/logger.h"
#include "operators/postgres/event_identity.h"

namespace sluice::operators::postgres {

void IdentityReplay::reset(uint64_t ckpt) {
  ids_.clear();
  dropped_ = 0;
  ckpt_ = ckpt;
}

void IdentityReplay::prepare(pqxx::connection_base& c, const std::string& lineage, bool fresh) {
  if (!enabled_) return;
  written_.ensure(c);
  if (fresh) written_.drop_other_lineages(c, lineage);
}

void IdentityReplay::load(pqxx::connection_base& c, const std::string& lineage) {
  ids_ = written_.load(c, lineage, ckpt_);
  if (ids_.empty()) return;
  size_t n = 0;
  for (const auto& [h, count] : ids_) n += count;
  log::info("postgres", "sink " + opts_.stage + ": the target holds " + std::to_string(n) +
                            " event(s) written after checkpoint " + std::to_string(ckpt_) +
                            "; their replays are dropped by identity");
}

void IdentityReplay::carry(SinkSlot& slot, const std::string& lineage, uint64_t id) {
  std::vector<uint64_t> carried;
  for (const auto& [h, n] : ids_) carried.insert(carried.end(), n, h);
  pqxx::work tx(slot.connection());
  slot.checkpoint_row().check(tx);
  written_.record(tx, lineage, id, 'c', carried);
  tx.commit();
}

void IdentityReplay::prune(pqxx::connection_base& c, const std::string& lineage, uint64_t id) {
  written_.prune(c, lineage, id);
}

uint64_t IdentityReplay::drop(std::vector<Event>& events) {
  // In place: a retried call gets the same (already filtered) vector back.
  size_t kept = 0;
  uint64_t dropped = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].position.is_null()) {
      auto it = ids_.find(EventIdentity::hash(events[i], buf_));
      if (it != ids_.end()) {
        if (--it->second == 0) ids_.erase(it);
        ++dropped;
        continue;
      }
    }
    if (kept != i) events[kept] = std::move(events[i]);
    ++kept;
  }
  events.resize(kept);
  dropped_ += dropped;
  if (dropped > 0 && ids_.empty()) {
    log::info("postgres", "sink " + opts_.stage + ": dropped " + std::to_string(dropped_) +
                              " replayed event(s) the target already held");
  }
  return dropped;
}

void IdentityReplay::tag(SinkSlot::Commit& c, const std::string& lineage) {
  if (!enabled_) return;
  c.written = &written_;
  c.lineage = lineage;
  c.ckpt = ckpt_;
}

void IdentityReplay::add_ids(const std::vector<WriteGroup>& groups, std::vector<uint64_t>& ids) {
  if (!enabled_) return;
  for (const auto& g : groups) {
    for (const auto& it : g.items) {
      if (!it.ev->position.is_null()) ids.push_back(EventIdentity::hash(*it.ev, buf_));
    }
  }
}

}  // namespace sluice::operators::postgres
