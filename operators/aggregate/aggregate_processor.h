// The `aggregate` stage (DSL.md §7): a changelog in, a changelog out, keyed by the group key.
// Per input event: the non-aggregate statements (where, set, require, ...) run on the row (and,
// for an update, separately on the before image); a create/read adds the row to its group, a
// delete retracts its before image (Event::row), an update retracts Event::before and adds
// Event::row (two groups change when the key changed). After each batch every changed group
// emits one event: "c" for a new group, "u" (before = the previous output) when its output
// row changed, "d" (row = the last output) when its last row was retracted.
// Evaluation errors (and a sum beyond 76 digits) send the input event to the dead letters
// with kind "eval" and leave the state untouched; a failed `require` uses kind "require".
// See docs/aggregate.md for the exact semantics of each function.
// Windows (docs/aggregate.md, "Windows"): `window tumbling|hopping|session(...) on FIELD` adds
// the window start to the group key (an event of a hopping window joins SIZE / ADVANCE groups;
// sessions also output window_end). With `watermark = D` a window closes once the watermark
// (the largest event time seen - D) reaches its end + allowed_lateness: its groups are dropped
// (from memory and the store; with emit = on_close each emits its final row as a "c" then) and
// an event for a closed window goes to the dead letters with kind "late", changing nothing.
// A truncate event (Op::Truncate) cannot be applied (the state has no per-table row index):
// it is counted, logged as a warning and sent to the dead letters with kind "truncate".
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dsl/eval/expr.h"
#include "operators/aggregate/group.h"
#include "operators/aggregate/session_index.h"
#include "operators/aggregate/watermark.h"
#include "operators/aggregate/window_assigner.h"
#include "operators/common/keyed_state_processor.h"
#include "operators/common/state/keyed_store.h"
#include "operators/common/statements/statement_list.h"

namespace sluice::operators::aggregate {

class AggregateProcessor : public KeyedStateProcessor {
 public:
  static result<std::unique_ptr<Processor>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  void process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
               std::vector<Event>& dead) override;
  // The whole state, groups in key order (the memory backend's checkpoint; with the state on
  // disk the same text, read from the store: equal states give equal text either way).
  std::string checkpoint_state() const override;
  // With the state on disk: a reference to a store checkpoint; else checkpoint_state().
  result<std::string> checkpoint(uint64_t id) override;
  void checkpoint_committed(uint64_t id) override;
  // watermark_from = source: the watermark follows the sources' progress; windows it closes
  // emit (on_close) before the barrier.
  void progress(int64_t source_time_us, std::vector<Event>& out) override;

  size_t group_count() const;
  // The open sessions (session windows).
  size_t session_count() const { return sessions_.size(); }
  std::optional<int64_t> watermark() const { return clock_.value(); }
  bool on_disk() const { return store_ != nullptr; }
  // Tests: write (and read) the session groups' multisets and arrival lists inline in the
  // group entries and checkpoint as "AGG2;", as the version before they were store entries.
  void inline_session_sets_for_test() { inline_sets_ = true; }

 private:
  AggregateProcessor() : KeyedStateProcessor("aggregate") {}

  struct AggDef {
    Sym name = 0;
    AggFn fn = AggFn::CountAll;
    eval::ExprPtr arg;  // null for count()
    int ordered = -1;   // index into the arrival values (first/last/collect_list)
  };
  // One side (retraction or addition) of an input event, fully evaluated before any state
  // changes, so that an error leaves the state as it was.
  struct Image {
    bool present = false;
    List parts;                   // the `group by` values (with a window)
    std::optional<int64_t> time;  // the event time (with a window)
    Type time_type = Type::Null;
    std::vector<Value> keys;  // the groups it belongs to (sessions: found when it is applied)
    Value row_id;
    List args;     // per aggregate
    List ordered;  // per ordered aggregate
  };
  enum class Prep { Ok, Dropped, Failed, Late };
  // What apply_event changed, to take back when a later step throws.
  struct Undo {
    Value key;
    int sign = 0;  // the change that was made
    uint64_t seq = 0;
    const Image* img = nullptr;
    std::vector<Value> extremes;  // an add with extreme_only() slots: their values before it
  };

  // Runs the statements on ev.row (or reads `image` when there are none) and evaluates the
  // key and arguments into img. id_row: the image as it came (for the row identity).
  // Folding an event into its groups (retracting its before image, adding its after image)
  // is prepare_event then apply_event; Failed when a `require` was not met
  // (pre_.failed_message()). Both throw eval_error, changing nothing.
  // prepare_event fills before_/after_ (Failed or Ok); apply_event folds them in (Late when a
  // window has closed).
  Prep prepare_event(Event& e, eval::Context& ctx);
  Prep apply_event(const Event& e);
  Prep prepare(Event& ev, const Object* image, const Object& id_row, Image& img,
               eval::Context& ctx);
  Value row_id(const Event& ev, const Object& row) const;
  // The window part of the keys of img (fixed windows; sessions: apply_session).
  void assign_windows(Image& img) const;
  Value group_key(const Image& img, const Value& window_start) const;
  Value session_base(const Image& img) const;
  bool late(const Image& img) const;
  // Reads the groups of the batch's prepared events that are not decoded yet in one
  // multi_get; those the store lacks go to absent_.
  void prefetch(size_t n);
  // Decodes a stored group into groups_.
  Group* load(const Value& key, const std::string& stored);
  // The group (created when missing), marked as changed in this batch.
  Group& touch(const Value& key, int64_t ts);
  // The group of `key` (loaded from the store when it is there), nullptr when it has no state.
  Group* find(const Value& key);
  // A group's stored form. With the state on disk the multisets of min/max/count_distinct/
  // collect_set are not in it (their slot holds the number of distinct values): each value is
  // a store entry of its own (set_key), so min/max are a seek and no group is read whole.
  // canonical: the memory form (multisets inline), as in checkpoint_state().
  void encode_group(const Value& key, const Group& g, std::string& out, bool canonical) const;
  bool decode_group(state_codec::Reader& r, Group& g, bool canonical) const;
  bool stored_set(size_t slot) const;
  // min/max of an input of inserts only: the slot keeps just the extreme (keep_extreme), in
  // the group, never as store entries.
  bool extreme_only(size_t slot) const;
  // Adds `arg` to a slot that is not stored (extreme_only() ones keep their extreme).
  void add_to_slot(size_t slot, Slot& s, const Value& arg) const;
  // The prefix of a slot's entries, and the range [lo, hi) they span.
  void set_key(const Value& key, size_t slot, std::string& out) const;
  void set_range(const Value& key, size_t slot, std::string& lo, std::string& hi) const;
  void apply_set(const Value& key, size_t slot, Group& g, const Value& arg, int sign);
  void update_extreme(const Value& key, size_t slot, Group& g, const Value& v, int sign);
  Value seek_extreme(const Value& key, size_t slot) const;
  Value set_result(const Value& key, size_t slot, const Group& g) const;
  // Moves a memory-form group's multisets into store entries.
  void store_sets(const Value& key, Group& g);
  // Writes a memory-form group in the disk form: store_sets, store_arrival, the group entry.
  void put_as_entries(const Value& key, Group& g);
  void erase_sets(const Value& key);
  // Writes the groups changed in this batch to the store and trims the decoded cache.
  void flush_store();
  void encode_header(std::string& s) const;
  // (May turn inserts_only_ off: a state kept with whole multisets stays so.)
  result<void> check_header(state_codec::Reader& r);
  result<void> load_groups(state_codec::Reader& r);
  void retract(const Image& img, int64_t ts, std::vector<Undo>& undo);
  void add(const Image& img, int64_t ts, std::vector<Undo>& undo);
  bool retract_one(const Value& key, const Image& img, int64_t ts, std::vector<Undo>& undo);
  void add_one(const Value& key, const Image& img, int64_t ts, std::vector<Undo>& undo);
  void rollback(std::vector<Undo>& undo);
  // Session windows: the event's session (merging the sessions it bridges).
  void retract_session(const Image& img, int64_t ts, std::vector<Undo>& undo);
  void add_session(const Image& img, int64_t ts, std::vector<Undo>& undo);
  void merge_sessions(const Value& base, const std::vector<SessionIndex::Session>& olds,
                      const std::vector<Value>& old_keys, const SessionIndex::Session& merged,
                      const Value& key, Group&& g, const Image& img, int64_t ts);
  void move_entries(const Value& from, Group& fg, const Value& to, Group& tg);
  // The value a multiset entry holds after its count (count: the count).
  static Value entry_value(std::string_view entry, int64_t* count = nullptr);
  void recount_set(const Value& key, size_t slot, Group& g);
  // The store key of a group: windowed groups sort by window end (sessions: by start).
  void store_key(const Value& key, std::string& out) const;
  static Value key_of_store_key(std::string_view k);
  // Every group's store entry (windowed ones first), in store order.
  void scan_groups(const std::function<bool(std::string_view, std::string_view)>& fn) const;
  std::optional<int64_t> window_order(const Value& key) const;
  // Drops the groups of the windows the watermark closed (emit = on_close: their rows).
  void close_windows(std::vector<Event>& out);
  void close_memory(int64_t limit, std::vector<Event>& out);
  void close_store(int64_t limit, std::vector<Event>& out);
  void close_sessions(int64_t limit, std::vector<Event>& out);
  void close_group(const Value& key, const SessionIndex::Session* session, std::vector<Event>& out);
  void note_window(const Value& key);
  void apply_slots(const Value& key, Group& g, const Image& img, int sign);
  // session: the key's session when it is no longer in sessions_ (closing).
  Object output_row(const Value& key, const Group& g,
                    const SessionIndex::Session* session = nullptr) const;
  Value session_end(const Value& key, const SessionIndex::Session* session) const;
  // The session of a key (sessions_ key and start); false for a key without a time.
  bool split_session_key(const Value& key, Value& base, int64_t& start) const;
  void forget_session(const Value& key);
  std::string late_message() const;
  std::string not_insert_message() const;
  result<void> window_options(const StageConfig& cfg);
  void emit(std::vector<Event>& out);
  // key: the group's key, for an arrival list in the store (nullptr: in memory).
  Group make_group(const Value* key = nullptr) const;
  bool stored_arrival() const;
  // Moves a memory-form arrival list into store entries.
  void store_arrival(const Value& key, Group& g);

  statements::StatementList pre_;
  std::vector<eval::ExprPtr> keys_;
  std::vector<Sym> key_names_;  // output names of the key parts (window_start last)
  WindowAssigner window_;
  Watermark clock_;
  bool on_close_ = false;  // emit = on_close
  SessionIndex sessions_;
  // Memory backend, fixed windows: the groups by window end (may name groups since gone).
  std::map<int64_t, std::vector<Value>> ends_;
  std::vector<int64_t> starts_buf_;
  std::vector<AggDef> aggs_;
  size_t ordered_count_ = 0;
  std::shared_ptr<const SourceMeta> meta_;

  // A group changed in the current batch, with its output row from before the batch.
  struct Touched {
    Value key;
    Object before;
    bool had = false;  // the group had rows (and so an output) before the batch
  };

  // Every group (memory backend), or a cache of decoded groups in front of the store.
  std::unordered_map<Value, Group, ValueHash> groups_;
  std::unique_ptr<state::KeyedStore> store_;
  state::StoreOptions store_opts_;
  bool want_disk_ = false;
  bool inline_sets_ = false;  // see inline_session_sets_for_test()
  // StageConfig::inserts_only_input, and whether it is in effect for the state opened.
  bool inserts_only_input_ = false;
  bool inserts_only_ = false;
  // An "AGG2;" session state: the multisets and arrival lists inside the groups become entries.
  result<void> entries_from_inline_sessions();
  size_t cache_limit_ = 0;
  std::vector<Value> flushed_;  // keys written to the store in this batch
  std::string key_buf_, val_buf_, set_buf_;
  std::vector<Touched> touched_;
  uint64_t seq_ = 0;
  Image before_, after_;
  // The batch's events after pass 1 (process): what prepare_event gave and the two images.
  struct Pending {
    std::optional<result<Prep>> prep;  // empty for a truncate
    Image before, after;
  };
  std::vector<Pending> pending_;
  // Keys of groups the store does not hold (found by prefetch), for the current batch.
  std::unordered_set<Value, ValueHash> absent_;
  std::vector<std::string> fetch_keys_, fetch_vals_;
  std::vector<Value> fetch_groups_;
  std::vector<bool> fetch_found_;
};

}  // namespace sluice::operators::aggregate
