// The pure half of the sink: change events -> the exact bulk operations per collection, with
// no server involved (tests compare them as canonical extended JSON; docs/mongodb.md).
//
// upsert mode: c/r/u -> replaceOne({_id}, {_id, ...row}, upsert) or, with update = set,
//   updateOne({_id}, {$set: row}, upsert); d -> deleteOne({_id}). Within one flush the last
//   event per (collection, _id) wins (an unordered bulk write has no order), and with
//   update = set an upsert that follows a delete of the same _id becomes a replaceOne.
// append mode: every event -> insertOne(row + cdc_operation, cdc_timestamp, cdc_position).
// truncate (Op::Truncate, upsert mode): deleteMany({}) on the event's collection, in order:
//   ops planned earlier in the flush for that collection are dropped (the deleteMany would
//   remove them), it gets a batch of its own and later events a new batch after it. In
//   append mode a truncate is recorded like any event (insertOne with cdc_operation "t").
// _id: the `key` option's fields, else the record key, else the source primary key, else the
// row's own _id. One value: _id is that value; several: a subdocument {name: value, ...}.
// A table without a key (a source table with no primary key, no key option, no _id; upsert
// mode): like PostgreSQL's REPLICA IDENTITY FULL, c/r -> insertOne(row), u -> replaceOne(
// {every column of the before image}, after) and d -> deleteOne({every column of the
// image}), one document each, in an ordered bulk write of their own, in event order.
#pragma once
#include <string>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mongodb/collection_batch.h"
#include "operators/mongodb/errc.h"
#include "operators/mongodb/mongodb_options.h"

namespace sluice::operators::mongodb {

class BulkPlanner {
 public:
  explicit BulkPlanner(const MongoOptions& opts);

  // Builds the operations for `evs` (in order; WriteOp::event indexes `evs`). Records that
  // cannot be written (no key, a value BSON cannot hold exactly, a failing collection
  // expression) are copied to `dead` with a mongodb errc (or the eval one) and a message.
  std::vector<CollectionBatch> plan(const std::vector<const Event*>& evs,
                                    std::vector<Event>& dead) const;
  // One operation for one event (no collapsing). false + err when it cannot be built (err's
  // code is left as the caller set it, errc::encode, when the BSON encoder refused a value).
  bool build(const Event& e, size_t index, bool force_replace, WriteOp& out, error& err) const;
  // Appends "_id" for the event to `out`. false + err when the event has no usable key.
  bool append_id(const Event& e, bson_t* out, error& err) const;
  // The collection of an event. false + err when the expression fails.
  bool collection_of(const Event& e, std::string& name, error& err) const;
  // The event is a change of a table without a key (see above).
  bool keyless(const Event& e) const;
  // Copies `e` to `dead` with dead-letter info.
  void dead_letter(const Event& e, error_code code, const std::string& message,
                   std::vector<Event>& dead) const;

 private:
  bool append_named_id(const Object& row, const std::vector<std::vector<Sym>>& paths,
                       const std::vector<std::string>& names, bson_t* out, error& err) const;
  bool build_keyless(const Event& e, WriteOp& op, error& err) const;
  const MongoOptions& opts_;
  std::vector<std::vector<Sym>> key_paths_;
  std::vector<std::string> key_names_;  // last segment of each key path
};

}  // namespace sluice::operators::mongodb
