#include "operators/common/state/keyed_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/comparator.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "operators/common/state/checkpoint_shipper.h"

namespace fs = std::filesystem;

namespace sluice::operators::state {
namespace {

// One pipeline's memory budget: a block cache that also carries the memtables' memory.
struct Budget {
  std::shared_ptr<rocksdb::Cache> cache;
  std::shared_ptr<rocksdb::WriteBufferManager> buffers;
};

std::mutex g_mu;
std::map<std::string, std::weak_ptr<Budget>> g_budgets;  // by pipeline
std::set<std::string> g_open_work;                       // working copies open in this process
std::atomic<uint64_t> g_work_seq{0};

std::shared_ptr<Budget> budget_for(const std::string& pipeline, int64_t bytes) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (auto b = g_budgets[pipeline].lock()) return b;
  auto b = std::make_shared<Budget>();
  // Three quarters of the budget: the stages keep decoded entries in front of their stores
  // with a 64th (their cache_limit), the rest is the stores' own bookkeeping.
  const auto total = static_cast<size_t>(std::max<int64_t>(bytes, 16LL << 20)) / 4 * 3;
  // Index and filter blocks in the high-priority half: a state bigger than the cache then
  // costs one data block read per miss, not the filters of every sorted run as well.
  b->cache = rocksdb::NewLRUCache(total, -1, false, 0.5);
  // Memtables take at most a quarter of the budget and are charged to the same cache.
  b->buffers = std::make_shared<rocksdb::WriteBufferManager>(total / 4, b->cache);
  g_budgets[pipeline] = b;
  return b;
}

std::string status_text(const rocksdb::Status& s) { return s.ToString(); }

std::string random_tag() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%08x%08x", rd(), rd());
  return buf;
}

// Removes `ckpt-*` directories other than `keep` and working copies no store here has open
// (left by a crash or by an instance that was replaced).
void clean_dir(const std::string& dir, const std::string& keep) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    bool stale_ckpt = name.rfind("ckpt-", 0) == 0 && name != keep;
    bool stale_work = false;
    if (name.rfind("work-", 0) == 0) {
      std::lock_guard<std::mutex> lock(g_mu);
      stale_work = g_open_work.count(e.path().string()) == 0;
    }
    if (stale_ckpt || stale_work) fs::remove_all(e.path(), ec);
  }
}

// A working copy of checkpoint `from`: table files hard-linked (they never change), the small
// descriptor files copied (the database appends to them).
result<void> restore(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return error::fatal("cannot create " + to + ": " + ec.message());
  for (const auto& e : fs::directory_iterator(from, ec)) {
    if (e.path().filename() == CheckpointShipper::kListName) continue;
    const fs::path target = fs::path(to) / e.path().filename();
    if (e.path().extension() == ".sst") {
      fs::create_hard_link(e.path(), target, ec);
      if (ec) fs::copy_file(e.path(), target, ec);  // another file system: copy instead
    } else {
      fs::copy_file(e.path(), target, ec);
    }
    if (ec) return error::fatal("cannot restore " + e.path().string() + ": " + ec.message());
  }
  if (ec) return error::fatal("cannot read checkpoint " + from + ": " + ec.message());
  return {};
}

// Counted entries ("<count>;<payload>"): operands add their counts; the payload of the
// oldest value stays.
class CountMerge : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    if (existing == nullptr) {
      new_value->assign(value.data(), value.size());
      return true;
    }
    int64_t a = 0, b = 0;
    size_t ea = count_of(*existing, a), eb = count_of(value, b);
    if (ea == 0 || eb == 0) return false;
    *new_value = std::to_string(a + b) + ";";
    new_value->append(existing->data() + ea, existing->size() - ea);
    return true;
  }
  const char* Name() const override { return "sluice.CountMerge"; }

 private:
  // Reads "<digits>;" and returns its length (0 when malformed).
  static size_t count_of(const rocksdb::Slice& s, int64_t& n) {
    size_t i = 0;
    bool neg = i < s.size() && s[i] == '-';
    if (neg) ++i;
    n = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) n = n * 10 + (s[i] - '0');
    if (i >= s.size() || s[i] != ';') return 0;
    if (neg) n = -n;
    return i + 1;
  }
};

rocksdb::Options db_options(const Budget& b) {
  rocksdb::Options o;
  o.merge_operator = std::make_shared<CountMerge>();
  // A Get of a key the memtable lacks skips the skip-list search.
  o.memtable_prefix_bloom_size_ratio = 0.05;
  o.memtable_whole_key_filtering = true;
  o.create_if_missing = true;
  o.write_buffer_manager = b.buffers;
  o.write_buffer_size = 16 << 20;
  o.max_write_buffer_number = 3;
  // Uncompressed 4 KB blocks: a block the cache lacks is one read from the OS page cache (not
  // part of the process's memory) without decompressing; the state is small next to the disk.
  o.compression = rocksdb::kNoCompression;
  // ...except the last run (what a full or size-amplification compaction writes, most of the
  // state): LZ4, about half the bytes. A block is decompressed once as it enters the cache, so
  // a state that fits the budget reads as fast; a bigger one pays ~15 % (bench/README.md).
  o.bottommost_compression = rocksdb::kLZ4Compression;
  o.max_background_jobs = 2;
  o.max_open_files = 256;
  o.avoid_flush_during_shutdown = true;  // a closed working copy is never read again
  // Each checkpoint flushes a small table file. Universal compaction merges runs of similar
  // size, so what is rewritten grows with what changed, not with the whole state (levelled
  // compaction would rewrite every overlapping file of the big level for each small flush).
  o.compaction_style = rocksdb::kCompactionStyleUniversal;
  o.compaction_options_universal.max_size_amplification_percent = 200;
  o.level0_file_num_compaction_trigger = 8;
  o.level0_slowdown_writes_trigger = 40;
  o.level0_stop_writes_trigger = 60;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.keep_log_file_num = 2;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = b.cache;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.block_size = 4 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

result<std::unique_ptr<KeyedStore>> KeyedStore::open(const StoreOptions& opts,
                                                     const std::string& checkpoint_ref) {
  std::unique_ptr<KeyedStore> s(new KeyedStore());
  s->dir_ = opts.dir;
  std::error_code ec;
  fs::create_directories(opts.dir, ec);
  if (ec)
    return error::fatal("cannot create the state directory " + opts.dir + ": " + ec.message());
  fs::permissions(opts.dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // the owner's
  s->tag_ = random_tag();
  if (auto files = StateFiles::installed(); files && !opts.name.empty()) {
    s->shipper_ = std::make_unique<CheckpointShipper>(files, opts.name, s->tag_);
  }
  const std::string ref_dir = opts.dir + "/" + checkpoint_ref;
  if (!checkpoint_ref.empty() && s->shipper_ && !fs::is_directory(ref_dir)) {
    auto f = s->shipper_->fetch(ref_dir, checkpoint_ref);  // restored on another node
    if (!f.ok()) return f.err();
  }
  if (!checkpoint_ref.empty() && !fs::is_directory(ref_dir)) {
    return error::fatal("the state checkpoint " + opts.dir + "/" + checkpoint_ref +
                        " is missing (the state directory was changed by hand?); remove the "
                        "pipeline's state to rebuild it");
  }
  clean_dir(opts.dir, checkpoint_ref);
  s->work_ = opts.dir + "/work-" + std::to_string(::getpid()) + "-" +
             std::to_string(g_work_seq.fetch_add(1));
  if (!checkpoint_ref.empty()) {
    auto r = restore(ref_dir, s->work_);
    if (!r.ok()) return r.err();
    if (s->shipper_) s->shipper_->adopt(ref_dir);
  }
  auto budget = budget_for(opts.pipeline, opts.memory_bytes);
  rocksdb::DB* db = nullptr;
  rocksdb::Status st = rocksdb::DB::Open(db_options(*budget), s->work_, &db);
  if (!st.ok())
    return error::fatal("cannot open the state store " + s->work_ + ": " + status_text(st));
  s->db_.reset(db);
  s->budget_ = budget;
  s->staged_ = std::make_unique<rocksdb::WriteBatch>();
  std::lock_guard<std::mutex> lock(g_mu);
  g_open_work.insert(s->work_);
  return s;
}

KeyedStore::~KeyedStore() {
  if (db_) {
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  std::error_code ec;
  if (!work_.empty()) fs::remove_all(work_, ec);
  std::lock_guard<std::mutex> lock(g_mu);
  g_open_work.erase(work_);
}

namespace {

rocksdb::WriteOptions no_wal() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // a crash reopens from the last checkpoint
  return wo;
}

void check_write(const rocksdb::Status& st) {
  if (!st.ok()) throw store_error("state store write failed: " + status_text(st));
}

}  // namespace

bool KeyedStore::get(std::string_view key, std::string& value) const {
  if (maybe_staged(key)) apply_staged();
  rocksdb::Status st =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (st.ok()) return true;
  if (st.IsNotFound()) return false;
  throw store_error("state store read failed: " + status_text(st));
}

void KeyedStore::multi_get(const std::vector<std::string>& keys, std::vector<std::string>& values,
                           std::vector<bool>& found) const {
  apply_staged();
  const size_t n = keys.size();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> pinned(n);
  std::vector<rocksdb::Status> st(n);
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, slices.data(), pinned.data(),
                st.data());
  values.resize(n);
  found.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (st[i].IsNotFound()) continue;
    if (!st[i].ok()) throw store_error("state store read failed: " + status_text(st[i]));
    values[i].assign(pinned[i].data(), pinned[i].size());
    found[i] = true;
  }
}

void KeyedStore::put(std::string_view key, std::string_view value) {
  check_write(staged_->Put(rocksdb::Slice(key.data(), key.size()),
                           rocksdb::Slice(value.data(), value.size())));
  mark_staged(key);
}

void KeyedStore::erase(std::string_view key) {
  check_write(staged_->Delete(rocksdb::Slice(key.data(), key.size())));
  mark_staged(key);
}

void KeyedStore::add_count(std::string_view key, int64_t delta, std::string_view payload) {
  op_buf_ = std::to_string(delta);
  op_buf_ += ';';
  op_buf_.append(payload);
  check_write(staged_->Merge(rocksdb::Slice(key.data(), key.size()), op_buf_));
  mark_staged(key);
}

size_t KeyedStore::staged_bit(std::string_view key) const {
  return std::hash<std::string_view>()(key) % (staged_bits_.size() * 64);
}

void KeyedStore::mark_staged(std::string_view key) {
  const size_t h = staged_bit(key);
  staged_bits_[h / 64] |= 1ULL << (h % 64);
  any_staged_ = true;
}

bool KeyedStore::maybe_staged(std::string_view key) const {
  if (!any_staged_) return false;
  const size_t h = staged_bit(key);
  return (staged_bits_[h / 64] >> (h % 64)) & 1ULL;
}

// (const: applying staged writes does not change what reads return.)
void KeyedStore::apply_staged() const {
  if (staged_->Count() == 0) return;
  rocksdb::Status st = db_->Write(no_wal(), staged_.get());
  staged_->Clear();
  std::fill(staged_bits_.begin(), staged_bits_.end(), 0);
  any_staged_ = false;
  check_write(st);
}

result<void> KeyedStore::write() {
  try {
    apply_staged();
  } catch (const store_error& e) {
    return error::fatal(e.what());
  }
  return {};
}

namespace {

// An iterator over the store, bounded above by `hi` ("" = unbounded).
struct RangeIter {
  rocksdb::Slice upper;
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it;
  RangeIter(rocksdb::DB* db, std::string_view hi) : upper(hi.data(), hi.size()) {
    if (!hi.empty()) ro.iterate_upper_bound = &upper;
    it.reset(db->NewIterator(ro));
  }
  void check() const {
    if (!it->status().ok()) {
      throw store_error("state store scan failed: " + status_text(it->status()));
    }
  }
};

bool below(const rocksdb::Slice& k, std::string_view hi) {
  return hi.empty() || k.compare(rocksdb::Slice(hi.data(), hi.size())) < 0;
}

}  // namespace

void KeyedStore::scan(std::string_view lo, std::string_view hi,
                      const std::function<bool(std::string_view, std::string_view)>& fn) const {
  apply_staged();
  RangeIter r(db_.get(), hi);
  for (r.it->Seek(rocksdb::Slice(lo.data(), lo.size())); r.it->Valid() && below(r.it->key(), hi);
       r.it->Next()) {
    if (!fn(std::string_view(r.it->key().data(), r.it->key().size()),
            std::string_view(r.it->value().data(), r.it->value().size()))) {
      return;
    }
  }
  r.check();
}

bool KeyedStore::first_in(std::string_view lo, std::string_view hi, std::string& value) const {
  apply_staged();
  RangeIter r(db_.get(), hi);
  r.it->Seek(rocksdb::Slice(lo.data(), lo.size()));
  r.check();
  if (!r.it->Valid() || !below(r.it->key(), hi)) return false;
  value.assign(r.it->value().data(), r.it->value().size());
  return true;
}

bool KeyedStore::last_in(std::string_view lo, std::string_view hi, std::string& value) const {
  apply_staged();
  RangeIter r(db_.get(), "");
  if (hi.empty()) {
    r.it->SeekToLast();
  } else {
    r.it->SeekForPrev(rocksdb::Slice(hi.data(), hi.size()));
    if (r.it->Valid() && !below(r.it->key(), hi)) r.it->Prev();
  }
  r.check();
  if (!r.it->Valid() || r.it->key().compare(rocksdb::Slice(lo.data(), lo.size())) < 0) return false;
  value.assign(r.it->value().data(), r.it->value().size());
  return true;
}

result<std::string> KeyedStore::ckpt(uint64_t id) {
  const std::string name = "ckpt-" + std::to_string(id) + "-" + tag_;
  const std::string path = dir_ + "/" + name;
  std::error_code ec;
  fs::remove_all(path, ec);  // an unfinished one with the same id from before a crash
  auto staged = write();
  if (!staged.ok()) return staged.err();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  rocksdb::Status st = db_->Flush(fo);
  if (!st.ok()) return error::fatal("state store flush failed: " + status_text(st));
  rocksdb::Checkpoint* cp = nullptr;
  st = rocksdb::Checkpoint::Create(db_.get(), &cp);
  std::unique_ptr<rocksdb::Checkpoint> holder(cp);
  if (st.ok()) st = cp->CreateCheckpoint(path, 0);
  if (!st.ok()) return error::fatal("state checkpoint " + path + " failed: " + status_text(st));
  if (shipper_) {
    auto r = shipper_->ship(path, name);
    if (!r.ok()) return error::fatal("state checkpoint " + name + ": " + r.err().message);
  }
  return name;
}

void KeyedStore::committed(uint64_t id) {
  // Checkpoint `id` holds this store's latest checkpoint taken at or before it (a stage that
  // has finished takes no more, and the pipeline checkpoint keeps its last state): keep that
  // one, delete the older ones.
  std::error_code ec;
  std::map<uint64_t, fs::path> taken;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("ckpt-", 0) != 0) continue;
    uint64_t n = std::strtoull(name.c_str() + 5, nullptr, 10);
    if (n <= id) taken.emplace(n, e.path());
  }
  if (taken.empty()) return;
  const uint64_t kept = std::prev(taken.end())->first;
  taken.erase(std::prev(taken.end()));
  for (const auto& [n, path] : taken) fs::remove_all(path, ec);
  if (shipper_) shipper_->collect(dir_, kept);
}

}  // namespace sluice::operators::state
