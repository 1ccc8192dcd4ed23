// Symbol table: names are stored in fixed chunks that never move, so sym_name() reads
// without a lock; intern() takes a shared lock for lookups and an exclusive one to add.
#include "base/symbol.h"

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

namespace sluice {
namespace {

constexpr uint32_t kChunkBits = 12;
constexpr uint32_t kChunkSize = 1u << kChunkBits;  // names per chunk
constexpr uint32_t kMaxChunks = 1u << 14;          // up to 64M names

struct Table {
  std::shared_mutex mu;
  std::unordered_map<std::string_view, Sym> index;
  std::atomic<std::string*> chunks[kMaxChunks] = {};
  uint32_t count = 0;
};

Table& table() {
  static Table* t = new Table();  // never destroyed: symbols outlive static destructors
  return *t;
}

}  // namespace

Sym intern(std::string_view name) {
  Table& t = table();
  {
    std::shared_lock lock(t.mu);
    auto it = t.index.find(name);
    if (it != t.index.end()) return it->second;
  }
  std::unique_lock lock(t.mu);
  auto it = t.index.find(name);
  if (it != t.index.end()) return it->second;
  uint32_t id = t.count;
  uint32_t c = id >> kChunkBits;
  if (c >= kMaxChunks) throw std::length_error("too many distinct field names");
  std::string* chunk = t.chunks[c].load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new std::string[kChunkSize];
    t.chunks[c].store(chunk, std::memory_order_release);
  }
  std::string& slot = chunk[id & (kChunkSize - 1)];
  slot.assign(name.data(), name.size());
  t.index.emplace(std::string_view(slot), id);
  t.count = id + 1;
  return id;
}

const std::string& sym_name(Sym s) {
  static const std::string kUnknown = "<unknown symbol>";
  Table& t = table();
  uint32_t c = s >> kChunkBits;
  if (c >= kMaxChunks) return kUnknown;
  std::string* chunk = t.chunks[c].load(std::memory_order_acquire);
  if (chunk == nullptr) return kUnknown;
  return chunk[s & (kChunkSize - 1)];
}

}  // namespace sluice
