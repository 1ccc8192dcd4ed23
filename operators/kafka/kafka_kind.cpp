#include "operators/kafka/kafka_kind.h"

#include "operators/kafka/kafka_sink.h"
#include "operators/kafka/kafka_source.h"
#include "operators/kafka/kafka_spec.h"

namespace sluice::operators::kafka {

OperatorKind source_kind() {
  return OperatorKind::of_source(bound_source_spec().spec(), &KafkaSource::make);
}

OperatorKind sink_kind() {
  return OperatorKind::of_sink(bound_sink_spec().spec(), &KafkaSink::make);
}

}  // namespace sluice::operators::kafka
