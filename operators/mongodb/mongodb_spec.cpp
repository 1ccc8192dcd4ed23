#include "operators/mongodb/mongodb_spec.h"

#include "operators/common/batch_options.h"

namespace sluice::operators::mongodb {
namespace {

BoundSpec<MongoOptions> make_spec() {
  BoundSpec<MongoOptions> k(
      dsl::Role::Sink, "mongodb",
      "Writes change events as MongoDB documents (libmongoc): nesting and lists kept, decimals "
      "as Decimal128 digit for digit, dates/datetimes/timestamps as BSON dates, bytes as "
      "binary. Unordered bulk writes per collection; upsert by _id derived from the key "
      "(replace or $set), delete by _id. Transient errors (network, NotWritablePrimary, "
      "RetryableWriteError label, no suitable servers) are retried; documents the server "
      "rejects (e.g. validation, code 121) go to the dead-letter sink with code and message.");
  OptionSpec uri = option("uri", OptType::String, "",
                          "Connection string: mongodb://... or mongodb+srv://... (Atlas) with "
                          "TLS and other options as URI parameters (tls=true, tlsCAFile=..., "
                          "authSource=admin, retryWrites=true, w=majority). Use env() or "
                          "secret(); the password in it is never logged or dead-lettered.");
  uri.required = true;
  OptionSpec db = option("database", OptType::String, "", "Target database.");
  db.required = true;
  OptionSpec coll = option("collection", OptType::Expr, "@table",
                           "Target collection, evaluated per record (default: the source table).");
  OptionSpec mode =
      enum_option("mode", {"upsert", "append"}, "upsert",
                  "upsert: one document per key (_id), deleted on delete. append: every "
                  "event inserted as a new document with cdc_operation, cdc_timestamp and "
                  "cdc_position (at least once).");
  OptionSpec update =
      enum_option("update", {"replace", "set"}, "replace",
                  "How an upsert writes: replace (replaceOne, the document becomes the "
                  "row) or set (updateOne with $set of the row's fields: fields written "
                  "by others are kept).");
  OptionSpec key =
      option("key", OptType::StringList, "",
             "Fields whose values make _id (one field: _id is its value; several: "
             "_id is a subdocument of them). Default: the record key (a `key` "
             "statement, the group key of an aggregate), else the source primary key.");
  OptionSpec wc = option("write_concern", OptType::Block, "",
                         "w: \"majority\" or a number of members; journal: true/false; timeout: "
                         "wtimeout. Unset parts use the URI's / server's default.");
  OptionSpec w = option("w", OptType::Any, "", "\"majority\" or a number (0 = unacknowledged).");
  OptionSpec j = option("journal", OptType::Bool, "", "Wait for the journal.");
  OptionSpec wt = option("timeout", OptType::Duration, "",
                         "wtimeout (a write-concern timeout is "
                         "a transient error).");
  wt.min = 0;
  wc.children = {w, j, wt};
  OptionSpec batch = batch_block(
      "rows: events per bulk write (threshold); delay: most time events wait buffered; "
      "adaptive: also write as soon as the input has caught up. A checkpoint always flushes.",
      "Events per bulk write.", "1000", 100000);
  using O = MongoOptions;
  k.add(uri, &O::uri).add(db, &O::database).add(coll).add(mode, &O::mode);
  k.add(update, &O::update).add(key, &O::key).add(wc).add(batch);
  k.bind({"write_concern", "w"}, &O::w_value).bind({"write_concern", "journal"}, &O::journal);
  k.bind({"write_concern", "timeout"}, &O::wtimeout_us);
  bind_batch_block(k);
  return k;
}

}  // namespace

const BoundSpec<MongoOptions>& bound_sink_spec() { return built_once<make_spec>(); }

}  // namespace sluice::operators::mongodb
