// The error codes of every module (base/error_code.h) and their reference table, the
// generated region "error-codes" of docs/language.md.
#pragma once
#include <string>
#include <vector>

#include "base/error_code.h"

namespace sluice::runtime {

// One category per module that declares an errc, in layer order (eval, engine, operators,
// cluster, reconcile).
const std::vector<const error_category*>& error_categories();

// Markdown: one table row per code — `module.name`, dead-letter kind, message.
std::string render_error_codes();

}  // namespace sluice::runtime
