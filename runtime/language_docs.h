// The generated parts of docs/language.md: the settings table (from dsl::settings_options()),
// the function reference (from the function table, dsl/eval/functions.cpp) and the error
// codes (runtime/error_code_docs.h). The rest of
// the page is written by hand; `sluice docs` replaces only the text between
//   <!-- BEGIN GENERATED: NAME -->  and  <!-- END GENERATED: NAME -->
#pragma once
#include <map>
#include <string>

#include "base/result.h"

namespace sluice::runtime {

// Region name -> generated Markdown ("settings", "functions", "error-codes").
std::map<std::string, std::string> render_language_regions();

// `page` with every generated region replaced by its current text; an error naming the
// region when a BEGIN or END marker is missing.
result<std::string> fill_language_regions(const std::string& page);

}  // namespace sluice::runtime
