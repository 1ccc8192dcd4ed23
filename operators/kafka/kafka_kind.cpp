#include "operators/kafka/kafka_kind.h"

#include "operators/kafka/kafka_sink.h"
#include "operators/kafka/kafka_source.h"
#include "operators/kafka/kafka_spec.h"

namespace sluice::operators::kafka {

OperatorKind source_kind() {
  OperatorKind k;
  k.spec = source_spec();
  k.source = &KafkaSource::make;
  return k;
}

OperatorKind sink_kind() {
  OperatorKind k;
  k.spec = sink_spec();
  k.sink = &KafkaSink::make;
  return k;
}

}  // namespace sluice::operators::kafka
