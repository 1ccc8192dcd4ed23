#include "operators/postgres/postgres_spec.h"

#include "operators/common/batch_options.h"

namespace sluice::operators::postgres {
namespace {

BoundSpec<SinkOptions> make_spec() {
  BoundSpec<SinkOptions> k(
      dsl::Role::Sink, "postgres",
      "Writes change events into PostgreSQL tables (an operational data store): snapshot rows "
      "by COPY, streaming changes set-wise per batch and table (COPY into a staging table, one "
      "INSERT ... ON CONFLICT and one DELETE). Exactly once: each batch's rows and the source "
      "position of its last event (table sluice_checkpoints) commit in one transaction. Bad "
      "records are isolated by splitting the batch and dead-lettered with the SQLSTATE.");
  OptionSpec url = option("url", OptType::String, "",
                          "libpq connection URI or keyword string, e.g. "
                          "env(\"ODS_URL\") or \"postgresql://user@host:5432/db\". Never logged; "
                          "a password in it is redacted everywhere.");
  url.required = true;
  OptionSpec table = option("table", OptType::Expr, "",
                            "Target table, evaluated per record: \"ods.\" + @table. "
                            "\"schema.name\" or \"name\" (schema public). Only a dot the "
                            "expression writes in a string separates the schema; dots and "
                            "quotes from the record's values are part of a name.");
  table.required = true;
  OptionSpec mode =
      enum_option("mode", {"upsert", "append", "soft_delete"}, "upsert",
                  "upsert: insert or update by key, delete on delete. append: every event "
                  "a row, with cdc_operation/cdc_timestamp/cdc_position. soft_delete: like "
                  "upsert, but a delete sets cdc_deleted = true and keeps the row.");
  OptionSpec key = option("key", OptType::StringList, "",
                          "Key columns (override the record key / source primary key); the "
                          "ON CONFLICT target and the primary key of created tables.");
  OptionSpec create = option("create_tables", OptType::Bool, "true",
                             "Create missing tables (exact types, primary key from the record key) "
                             "and ADD COLUMN when a new field appears.");
  OptionSpec meta =
      option("metadata_columns", OptType::Bool, "false",
             "Add cdc_operation (text), cdc_timestamp (timestamptz, the source commit "
             "time) and cdc_position (text) to every row. Always on in append mode.");
  OptionSpec batch = batch_block(
      "rows: flush (one transaction) once this many events are buffered; delay: flush "
      "buffered events older than this at the next write; adaptive: also flush as soon as the "
      "input has caught up; pipelined: accept and plan the next batch while one commits. A "
      "checkpoint always flushes.",
      "Events per transaction (threshold).", "2000", 1000000);
  OptionSpec pipelined =
      option("pipelined", OptType::Bool, "true",
             "A full batch commits on a thread of its own while the sink accepts and plans the "
             "next one (the next commit starts after it: each key keeps its order, and a batch "
             "commits with its checkpoint row as before). false: the sink waits for each "
             "commit.");
  batch.children.push_back(pipelined);
  OptionSpec conns = option("connections", OptType::Int, "1",
                            "Connections applying each batch in parallel: the batch's rows are "
                            "split by a hash of their key (append: by event), one transaction "
                            "and one sluice_checkpoints row per connection, so each key keeps its "
                            "order. Keep 1 when the target has unique constraints other than the "
                            "key or foreign keys between the sink's tables.");
  conns.min = 1;
  conns.max = 16;
  OptionSpec copy =
      enum_option("copy", {"binary", "text"}, "binary",
                  "COPY format. binary: PostgreSQL parses no text (numbers, dates and "
                  "timestamps arrive in their internal form); a batch with a column type "
                  "or value that has no exact binary form goes as text. text: always "
                  "text COPY.");
  using O = SinkOptions;
  k.add(url, &O::url).add(table).add(mode, &O::mode).add(key, &O::key);
  k.add(create, &O::create_tables).add(meta, &O::metadata_columns).add(batch);
  bind_batch_block(k);
  k.bind({"batch", "pipelined"}, &O::batch_pipelined);
  k.add(conns, &O::connections).add(copy, &O::copy);
  return k;
}

}  // namespace

const BoundSpec<SinkOptions>& bound_sink_spec() { return built_once<make_spec>(); }

}  // namespace sluice::operators::postgres
