// The one explicit registration list of every operator kind: its spec (checked by dsl/, used
// for docs) and its factory. Every kind folder has the same layout: X_spec (the spec as data),
// X_kind (spec + factory) and the implementation. Adding a kind = its folder + one line here;
// a processor needs no grammar change (its kind is a name, its body's shape is in its spec).
#include "operators/registry.h"

#include "operators/aggregate/aggregate_kind.h"
#include "operators/delta/delta_kind.h"
#include "operators/file/file_kind.h"
#include "operators/generate/generate_kind.h"
#include "operators/join/join_kind.h"
#include "operators/kafka/kafka_kind.h"
#include "operators/mongodb/mongodb_kind.h"
#include "operators/mysql/mysql_kind.h"
#include "operators/null/null_kind.h"
#include "operators/postgres/postgres_kind.h"
#include "operators/stdout/stdout_kind.h"
#include "operators/transform/transform_kind.h"

namespace sluice::operators {
namespace {

OperatorRegistry build() {
  OperatorRegistry r;
  // sources
  r.add(file::source_kind());
  r.add(generate::source_kind());
  r.add(mysql::source_kind());
  r.add(kafka::source_kind());
  r.add(mongodb::source_kind());
  // processors
  r.add(transform::processor_kind());
  r.add(aggregate::processor_kind());
  r.add(join::processor_kind());
  // sinks
  r.add(file::sink_kind());
  r.add(stdout_sink::sink_kind());
  r.add(null_sink::sink_kind());
  r.add(postgres::sink_kind());
  r.add(kafka::sink_kind());
  r.add(mongodb::sink_kind());
  r.add(delta::sink_kind());
  return r;
}

}  // namespace

const OperatorRegistry& registry() {
  static const OperatorRegistry r = build();
  return r;
}

}  // namespace sluice::operators
