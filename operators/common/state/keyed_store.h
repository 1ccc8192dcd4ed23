// Keyed state on disk for the stages that keep state per key (aggregate, join): an embedded
// RocksDB database per stage instance under `<state_dir>/state/<stage>/<instance>/`.
//
// Writes go to the working database without a write-ahead log: after a crash the working copy
// is thrown away and the stage reopens from its last checkpoint. A checkpoint flushes the
// memtable and hard-links the immutable table files into `ckpt-<id>/` (RocksDB's Checkpoint),
// so its cost grows with what changed since the last one, not with the whole state. The
// reference ckpt() returns goes into the stage's checkpoint state; open() rebuilds the working
// copy from it (hard links again). Checkpoints older than the last committed one are deleted.
//
// With StateFiles installed (a cluster worker), each checkpoint is also shipped there and a
// checkpoint missing locally is fetched from there (checkpoint_shipper.h).
//
// Memory: every store of one pipeline shares one block cache of three quarters of
// `settings { state { memory = 256MB } }` (it also accounts for the memtables); the stages'
// caches of decoded entries take an eighth.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace sluice::operators::state {

class CheckpointShipper;

struct StoreOptions {
  std::string dir;       // the instance's directory (created when missing)
  std::string pipeline;  // stores of one pipeline share one memory budget
  std::string name;      // "<stage>/<instance>": its checkpoints' names in StateFiles
  int64_t memory_bytes = 256LL << 20;
};

class KeyedStore {
 public:
  // Opens the store restored to `checkpoint_ref` (what ckpt() returned; "" = empty state).
  static result<std::unique_ptr<KeyedStore>> open(const StoreOptions& opts,
                                                  const std::string& checkpoint_ref);
  ~KeyedStore();
  KeyedStore(const KeyedStore&) = delete;
  KeyedStore& operator=(const KeyedStore&) = delete;

  // Writes are staged and applied together by write() (no write-ahead log: a crash reopens
  // from the last checkpoint, so a half-applied batch is never seen); reads see staged writes.
  // A failure below the store (I/O, corruption) throws store_error. get: false when absent.
  bool get(std::string_view key, std::string& value) const;
  // Several gets at once (RocksDB's batched MultiGet: one pass over the files for all keys).
  // found[i] tells whether keys[i] is there; values[i] is its value then.
  void multi_get(const std::vector<std::string>& keys, std::vector<std::string>& values,
                 std::vector<bool>& found) const;
  void put(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  // Adds `delta` to the count of a counted entry (the payload kept is the first one written),
  // without reading it. A counted entry is "<count>;" followed by its payload.
  void add_count(std::string_view key, int64_t delta, std::string_view payload);
  // Applies the staged writes.
  result<void> write();
  // Every key in [lo, hi) in key order (hi "" = to the end) until fn returns false.
  void scan(std::string_view lo, std::string_view hi,
            const std::function<bool(std::string_view key, std::string_view value)>& fn) const;
  // The value of the first / last key in [lo, hi); false when the range is empty.
  bool first_in(std::string_view lo, std::string_view hi, std::string& value) const;
  bool last_in(std::string_view lo, std::string_view hi, std::string& value) const;

  // Makes the state as of the last write() durable as checkpoint `id`; returns its reference.
  result<std::string> ckpt(uint64_t id);
  // Checkpoint `id` is the pipeline's last complete one: the checkpoints older than the latest
  // one taken at or before `id` (the one it refers to) are deleted.
  void committed(uint64_t id);

 private:
  KeyedStore() = default;
  std::string dir_, work_;
  std::string tag_;  // random, per working copy: names its checkpoints and shipped files
  std::unique_ptr<CheckpointShipper> shipper_;  // when StateFiles are installed
  std::shared_ptr<void> budget_;                // the pipeline's shared cache (keeps it alive)
  void apply_staged() const;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<rocksdb::WriteBatch> staged_;
  // Hashes of the staged keys (a bit set; a false hit only applies the staged writes early).
  mutable std::vector<uint64_t> staged_bits_ = std::vector<uint64_t>(4096);
  mutable bool any_staged_ = false;
  size_t staged_bit(std::string_view key) const;
  void mark_staged(std::string_view key);
  bool maybe_staged(std::string_view key) const;
  std::string op_buf_;  // add_count's merge operand
};

// A read or scan that failed below the store (disk full, corruption): the stage fails.
struct store_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sluice::operators::state
