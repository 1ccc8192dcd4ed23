#include "operators/file/file_kind.h"

#include "operators/file/file_sink.h"
#include "operators/file/file_source.h"
#include "operators/file/file_spec.h"

namespace sluice::operators::file {

OperatorKind source_kind() {
  OperatorKind k;
  k.spec = source_spec();
  k.source = &FileSource::make;
  return k;
}

OperatorKind sink_kind() {
  OperatorKind k;
  k.spec = sink_spec();
  k.sink = &FileSink::make;
  return k;
}

}  // namespace sluice::operators::file
