// Option specs of the `file` source and sink, declared as data and bound to their options.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/file/file_options.h"

namespace sluice::operators::file {

const BoundSpec<FileSourceOptions>& bound_source_spec();
const BoundSpec<FileSinkOptions>& bound_sink_spec();

}  // namespace sluice::operators::file
