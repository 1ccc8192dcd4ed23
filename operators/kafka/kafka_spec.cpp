#include "operators/kafka/kafka_spec.h"

#include "operators/common/dead_letter_options.h"

namespace sluice::operators::kafka {

namespace {

OptionSpec properties() {
  return option("properties", OptType::StringList, false, "",
                "Extra librdkafka settings as [\"name=value\", ...] (e.g. "
                "\"security.protocol=SASL_SSL\", \"session.timeout.ms=6000\").");
}

BoundSpec<SourceDeclared> make_source_spec() {
  BoundSpec<SourceDeclared> k(
      dsl::Role::Source, "kafka",
      "Consumes Kafka topics in a consumer group. format = debezium decodes Debezium change "
      "events (JSON converter, with or without schema; logical types exact); json takes the "
      "value as the row (or a Sluice event object) and the key as the key; raw gives "
      "{key, value} as bytes. Offsets are part of the checkpoint and committed to the group "
      "only when the checkpoint containing them completes. A message that does not parse goes "
      "to the dead_letter sink (kind \"decode\", message and position naming topic/partition/"
      "offset, the raw key and value in the row); without dead_letter it is skipped with a "
      "warning (counted). Its offset is committed either way.");
  OptionSpec format =
      enum_option("format", {"debezium", "json", "raw"}, "debezium", "debezium | json | raw.");
  OptionSpec start =
      enum_option("start", {"earliest", "latest"}, "earliest",
                  "Where a new group starts on partitions with no committed offset: "
                  "earliest | latest. A restart always resumes from the checkpoint.");
  using O = SourceDeclared;
  k.add(option("brokers", OptType::String, true, "", "Bootstrap servers, \"host:port,host:port\"."),
        &O::brokers);
  k.add(option("topics", OptType::StringList, true, "", "Topics to consume."), &O::topics);
  k.add(option("group", OptType::String, false, "sluice.PIPELINE.STAGE", "Consumer group id."),
        &O::group);
  k.add(format, &O::format).add(start, &O::start).add(properties(), &O::properties);
  add_dead_letter_options(k, "messages that do not parse",
                          "A message that does not parse: dead_letter (default when "
                          "dead_letter is set) | skip (default otherwise; logged, counted) "
                          "| fail.");
  OptionSpec parallelism =
      option("parallelism", OptType::Int, false, "1",
             "Consumers in this process, each a member of the group: Kafka spreads the "
             "partitions over them (a partition is read by one consumer at a time, so the order "
             "per partition, and per key, holds). Each checkpoints the offsets it read; a restart "
             "with another parallelism resumes every partition from the checkpoint.");
  parallelism.min = 1;
  parallelism.max = 256;
  k.add(parallelism, &O::parallelism);
  k.spec().inserts_only_when = {"format", "raw"};  // raw: every message is a create
  return k;
}

// `schema_registry { url = "http://registry:8081"  user = "..."  password = secret("...") }`:
// format avro.
void add_schema_registry(BoundSpec<SinkDeclared>& k) {
  OptionSpec registry = option("schema_registry", OptType::Block, "",
                               "format avro: the Confluent Schema Registry the key and value "
                               "schemas are registered in (url, and user and password for "
                               "basic authentication).");
  OptionSpec url = option("url", OptType::String, "",
                          "\"http://host:8081\" or https://, with a path prefix if the "
                          "registry has one; credentials go in user and password.");
  OptionSpec user = option("user", OptType::String, "", "Basic authentication user.");
  OptionSpec password = option("password", OptType::Secret, "",
                               "Basic authentication password: secret(\"NAME\") or env(...).");
  url.required = true;
  registry.children = {url, user, password};
  registry.required_when = {"format", "avro"};
  using O = SinkDeclared;
  k.add(registry).bind({"schema_registry", "url"}, &O::registry_url);
  k.bind({"schema_registry", "user"}, &O::registry_user);
  k.bind({"schema_registry", "password"}, &O::registry_password);
}

BoundSpec<SinkDeclared> make_sink_spec() {
  BoundSpec<SinkDeclared> k(
      dsl::Role::Sink, "kafka",
      "Produces events to Kafka with an idempotent producer; the message key is the record "
      "key. format = debezium writes Debezium envelopes with schema (a tombstone follows each "
      "delete); avro writes them in Confluent's Avro wire form with a schema registry; json "
      "writes the Sluice event form. Deliveries are confirmed before a "
      "checkpoint completes. As a dead_letter sink it writes the dead-letter form with Kafka "
      "Connect style __connect.errors.* headers.");
  OptionSpec format = enum_option(
      "format", {"debezium", "json", "avro"}, "debezium",
      "debezium | json | avro. avro: the Debezium envelope (key and value) as Confluent's "
      "AvroConverter writes it: a zero byte, the schema id (4 bytes) and Avro binary, the "
      "schemas registered in `schema_registry` under TOPIC-key and TOPIC-value.");
  OptionSpec topic = option("topic", OptType::Expr, false, "SERVER.DB.TABLE",
                            "Topic per record (an expression, e.g. \"cdc.\" + @table).");
  using O = SinkDeclared;
  k.add(option("brokers", OptType::String, true, "", "Bootstrap servers, \"host:port,host:port\"."),
        &O::brokers);
  k.add(topic).add(format, &O::format);
  k.add(option("key", OptType::StringList, false, "",
               "Key columns (default: the record key, else the source's primary key)."),
        &O::key);
  k.add(option("server", OptType::String, false, "the source stage name",
               "Logical server name: the SERVER of the default topic and of Debezium schema "
               "names."),
        &O::server);
  k.add(option("flush_timeout", OptType::Duration, false, "30s",
               "How long a checkpoint waits for delivery reports before reporting a transient "
               "error."),
        &O::flush_timeout_us);
  k.add(option("exactly_once", OptType::Bool, "false",
               "Exactly once across crashes without read_committed consumers: each message "
               "carries a sluice.seq header (writer, sequence number, identity of its change) "
               "and the sequence number is part of the checkpoint; after a restart the sink "
               "reads the newest sluice.seq of every partition it writes to and does not produce "
               "again the replayed changes a partition already holds. Needs a source that "
               "replays in the same order (mysql, kafka, file, generate without random "
               "functions); messages go to the partition the key hashes to (the `partitioner` "
               "property: consistent (default), murmur2 or fnv1a)."),
        &O::exactly_once);
  k.add(option("heartbeat_interval", OptType::Duration, false, "0s (none)",
               "Debezium heartbeats: at the first checkpoint after each interval, a message to "
               "HEARTBEAT_PREFIX.SERVER with key {serverName} and value {ts_ms} (with Debezium's "
               "schemas io.debezium.connector.common.ServerNameKey and .Heartbeat in format "
               "debezium), also while no change flows, so consumers see the pipeline is alive."),
        &O::heartbeat_interval_us);
  k.add(option("heartbeat_prefix", OptType::String, false, "__debezium-heartbeat",
               "The heartbeat topic's prefix (Debezium's topic.heartbeat.prefix)."),
        &O::heartbeat_prefix);
  k.add(enum_option("decimal", {"precise", "string", "double"}, "precise",
                    "format debezium: DECIMAL columns as Connect Decimal bytes (precise), as text "
                    "(string) or as a double (double: rounds; Debezium's "
                    "decimal.handling.mode)."),
        &O::decimal);
  k.add(enum_option("time_precision", {"adaptive_time_microseconds", "connect"},
                    "adaptive_time_microseconds",
                    "format debezium: Debezium's time.precision.mode. connect writes Kafka "
                    "Connect's Date, Time and Timestamp (milliseconds): a value with "
                    "microseconds goes to the dead-letter sink instead of being truncated."),
        &O::time_precision);
  k.add(enum_option("bigint_unsigned", {"long", "precise"}, "long",
                    "format debezium: BIGINT UNSIGNED as int64 (long; a value above "
                    "9223372036854775807 goes to the dead-letter sink) or as Connect Decimal "
                    "(precise; Debezium's bigint.unsigned.handling.mode)."),
        &O::bigint_unsigned);
  k.add(option("tombstones", OptType::Bool, "true",
               "format debezium: a tombstone (the key, a null value) after each delete, for "
               "log compaction (Debezium's tombstones.on.delete)."),
        &O::tombstones);
  k.add(option("schemas", OptType::Bool, "true",
               "format debezium: each key and value as {\"schema\", \"payload\"} (the JSON "
               "converter's schemas.enable); false writes the payload alone."),
        &O::schemas);
  k.add(option("transaction_metadata", OptType::Bool, "false",
               "format debezium: Debezium's transaction metadata (provide.transaction.metadata): "
               "a BEGIN and an END message (with its change counts per table) for each source "
               "transaction in SERVER.transaction, and each change's `transaction` block {id, "
               "total_order, data_collection_order}. The mysql source's transactions (id: the "
               "GTID, else FILE:POS of the transaction's start); snapshot reads are in none."),
        &O::transaction_metadata);
  k.add(option("schema_changes", OptType::Bool, "true",
               "format debezium: Debezium's schema-change messages (include.schema.changes): for "
               "each DDL on a captured table of a mysql source, a message to the topic SERVER "
               "(partition 0) with key {databaseName} and value {source, ts_ms, databaseName, "
               "schemaName, ddl, tableChanges} (docs/kafka.md, \"Schema changes\"). Other "
               "formats, and false, leave them out."),
        &O::schema_changes);
  k.spec().schema_changes = true;  // the engine delivers schema-change events to this kind
  k.add(properties(), &O::properties);
  add_schema_registry(k);
  return k;
}

}  // namespace

const BoundSpec<SourceDeclared>& bound_source_spec() { return built_once<make_source_spec>(); }
const BoundSpec<SinkDeclared>& bound_sink_spec() { return built_once<make_sink_spec>(); }

}  // namespace sluice::operators::kafka
