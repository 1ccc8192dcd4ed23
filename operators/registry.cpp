// The one explicit registration list of every operator kind: its spec (checked by dsl/, used
// for docs) and its factory. Adding a kind = its folder + one line here.
#include "operators/registry.h"

#include "operators/aggregate/aggregate_kind.h"
#include "operators/file/file_sink.h"
#include "operators/file/file_source.h"
#include "operators/file/file_spec.h"
#include "operators/generate/generate_source.h"
#include "operators/generate/generate_spec.h"
#include "operators/join/join_kind.h"
#include "operators/kafka/kafka_kind.h"
#include "operators/mongodb/mongodb_kind.h"
#include "operators/mysql/mysql_kind.h"
#include "operators/null/null_sink.h"
#include "operators/null/null_spec.h"
#include "operators/postgres/postgres_kind.h"
#include "operators/stdout/stdout_sink.h"
#include "operators/stdout/stdout_spec.h"
#include "operators/transform/transform_processor.h"
#include "operators/transform/transform_spec.h"

namespace sluice::operators {
namespace {

OperatorKind source(dsl::KindSpec spec, SourceFactory f) {
  OperatorKind k;
  k.spec = std::move(spec);
  k.source = std::move(f);
  return k;
}
OperatorKind processor(dsl::KindSpec spec, ProcessorFactory f) {
  OperatorKind k;
  k.spec = std::move(spec);
  k.processor = std::move(f);
  return k;
}
OperatorKind sink(dsl::KindSpec spec, SinkFactory f) {
  OperatorKind k;
  k.spec = std::move(spec);
  k.sink = std::move(f);
  return k;
}

OperatorRegistry build() {
  OperatorRegistry r;
  // sources
  r.add(source(file::source_spec(), &file::FileSource::make));
  r.add(source(generate::spec(), &generate::GenerateSource::make));
  r.add(mysql::kind());
  r.add(kafka::source_kind());
  // processors
  r.add(processor(transform::spec(), &transform::TransformProcessor::make));
  r.add(aggregate::kind());
  r.add(join::kind());
  // sinks
  r.add(sink(file::sink_spec(), &file::FileSink::make));
  r.add(sink(stdout_sink::spec(), &stdout_sink::StdoutSink::make));
  r.add(sink(null_sink::spec(), &null_sink::NullSink::make));
  r.add(postgres::kind());
  r.add(kafka::sink_kind());
  r.add(mongodb::kind());
  return r;
}

}  // namespace

const OperatorRegistry& registry() {
  static const OperatorRegistry r = build();
  return r;
}

}  // namespace sluice::operators
