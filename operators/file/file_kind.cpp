#include "operators/file/file_kind.h"

#include "operators/file/file_sink.h"
#include "operators/file/file_source.h"
#include "operators/file/file_spec.h"

namespace sluice::operators::file {

OperatorKind source_kind() {
  return OperatorKind::of_source(bound_source_spec().spec(), &FileSource::make);
}

OperatorKind sink_kind() {
  return OperatorKind::of_sink(bound_sink_spec().spec(), &FileSink::make);
}

}  // namespace sluice::operators::file
