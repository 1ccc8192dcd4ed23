// Cuts a checked .pipe file into one text per pipeline, so each pipeline of a deployed file is
// versioned (and hot-reloaded) on its own: pipeline i's text runs from the start of its
// `pipeline` line to the start of pipeline i+1's line (the file's header lines go with the
// first). Every piece is parsed and checked again; when one does not stand alone the whole
// file is used for every pipeline.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "dsl/ast.h"
#include "dsl/option_spec.h"

namespace sluice::cluster {

std::vector<std::pair<std::string, std::string>> split_pipelines(const ast::File& file,
                                                                 const dsl::SpecRegistry& specs);

}  // namespace sluice::cluster
