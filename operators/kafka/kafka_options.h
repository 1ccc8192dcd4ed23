// The options of `source kafka` and `sink kafka` as declared in their specs (kafka_spec.cpp),
// one field each; KafkaSource::make and KafkaSink::make work out the client settings.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "operators/debezium/encoder_options.h"
#include "operators/kafka/message_decoder.h"

namespace sluice::operators::kafka {

// In the order of the options' enum_values (kafka_spec.cpp).
enum class StartAt : uint8_t { Earliest, Latest };
enum class SinkFormat : uint8_t { Debezium, Json, Avro };

struct SourceDeclared {
  std::string brokers;
  std::vector<std::string> topics;
  std::string group;  // empty: sluice.PIPELINE.STAGE
  Format format = Format::Debezium;
  StartAt start = StartAt::Earliest;
  std::vector<std::string> properties;  // "name=value"
  std::string dead_letter;
  std::string on_error;     // "", dead_letter, skip, fail
  int64_t parallelism = 1;  // consumers (engine instances) in this process
};

struct SinkDeclared {
  std::string brokers;
  SinkFormat format = SinkFormat::Debezium;
  std::vector<std::string> key;
  std::string server;
  int64_t flush_timeout_us = 30000000;
  bool exactly_once = false;
  int64_t heartbeat_interval_us = 0;  // 0: no heartbeats
  std::string heartbeat_prefix = "__debezium-heartbeat";
  debezium::DecimalMode decimal = debezium::DecimalMode::Precise;
  debezium::TimePrecision time_precision = debezium::TimePrecision::AdaptiveTimeMicroseconds;
  debezium::BigintUnsigned bigint_unsigned = debezium::BigintUnsigned::Long;
  bool tombstones = true;
  bool schemas = true;
  bool transaction_metadata = false;
  bool schema_changes = true;
  std::vector<std::string> properties;  // "name=value"
  // format avro: schema_registry { url user password }
  std::string registry_url;
  std::string registry_user;
  std::string registry_password;
};

}  // namespace sluice::operators::kafka
