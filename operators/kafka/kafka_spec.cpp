#include "operators/kafka/kafka_spec.h"

namespace sluice::operators::kafka {

using dsl::option;
using dsl::OptionSpec;
using dsl::OptType;

namespace {

OptionSpec properties() {
  return option("properties", OptType::StringList, false, "",
                "Extra librdkafka settings as [\"name=value\", ...] (e.g. "
                "\"security.protocol=SASL_SSL\", \"session.timeout.ms=6000\").");
}

}  // namespace

dsl::KindSpec source_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Source;
  k.kind = "kafka";
  k.summary =
      "Consumes Kafka topics in a consumer group. format = debezium decodes Debezium change "
      "events (JSON converter, with or without schema; logical types exact); json takes the "
      "value as the row (or a Sluice event object) and the key as the key; raw gives "
      "{key, value} as bytes. Offsets are part of the checkpoint and committed to the group "
      "only when the checkpoint containing them completes. A message that does not parse goes "
      "to the dead_letter sink (kind \"decode\", message and position naming topic/partition/"
      "offset, the raw key and value in the row); without dead_letter it is skipped with a "
      "warning (counted). Its offset is committed either way.";
  OptionSpec format = option("format", OptType::Enum, false, "debezium", "debezium | json | raw.");
  format.enum_values = {"debezium", "json", "raw"};
  OptionSpec start = option("start", OptType::Enum, false, "earliest",
                            "Where a new group starts on partitions with no committed offset: "
                            "earliest | latest. A restart always resumes from the checkpoint.");
  start.enum_values = {"earliest", "latest"};
  OptionSpec on_error = option("on_error", OptType::Enum, false, "",
                               "A message that does not parse: dead_letter (default when "
                               "dead_letter is set) | skip (default otherwise; logged, counted) "
                               "| fail.");
  on_error.enum_values = {"dead_letter", "skip", "fail"};
  k.options = {
      option("brokers", OptType::String, true, "", "Bootstrap servers, \"host:port,host:port\"."),
      option("topics", OptType::StringList, true, "", "Topics to consume."),
      option("group", OptType::String, false, "sluice.PIPELINE.STAGE", "Consumer group id."),
      format,
      start,
      properties(),
      option("dead_letter", OptType::String, false, "",
             "The sink that receives messages that do not parse (a stage name)."),
      on_error,
  };
  return k;
}

dsl::KindSpec sink_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Sink;
  k.kind = "kafka";
  k.summary =
      "Produces events to Kafka with an idempotent producer; the message key is the record "
      "key. format = debezium writes Debezium envelopes with schema (a tombstone follows each "
      "delete); json writes the Sluice event form. Deliveries are confirmed before a "
      "checkpoint completes. As a dead_letter sink it writes the dead-letter form with Kafka "
      "Connect style __connect.errors.* headers.";
  OptionSpec format = option("format", OptType::Enum, false, "debezium", "debezium | json.");
  format.enum_values = {"debezium", "json"};
  OptionSpec topic = option("topic", OptType::Expr, false, "SERVER.DB.TABLE",
                            "Topic per record (an expression, e.g. \"cdc.\" + @table).");
  k.options = {
      option("brokers", OptType::String, true, "", "Bootstrap servers, \"host:port,host:port\"."),
      topic,
      format,
      option("key", OptType::StringList, false, "",
             "Key columns (default: the record key, else the source's primary key)."),
      option("server", OptType::String, false, "the source stage name",
             "Logical server name: the SERVER of the default topic and of Debezium schema names."),
      option("flush_timeout", OptType::Duration, false, "30s",
             "How long a checkpoint waits for delivery reports before reporting a transient "
             "error."),
      properties(),
  };
  return k;
}

}  // namespace sluice::operators::kafka
