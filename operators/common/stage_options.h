// Helpers shared by the operators: name-list options, finding raw option blocks in the AST,
// and marking an event as a dead letter. Single options are read with StageConfig's accessors
// (engine/core/operator.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "dsl/ast.h"
#include "engine/core/operator.h"

namespace sluice::operators {

// A name-list option given as "a" or ["a", "b"] (e.g. a sink's `key`): out stays empty when
// the option is absent; anything else than non-empty strings is an error:
// "<where><name> must list <what> names".
result<void> opt_names(const StageConfig& c, const std::string& name, const std::string& where,
                       const std::string& what, std::vector<std::string>& out);

// The raw `name { ... }` block option of a stage, or nullptr.
const ast::Option* find_block(const ast::Stage* stage, const std::string& name);

// Attaches dead-letter info (stage, code, redacted message, attempts 1, at = now).
void mark_dead(Event& e, const std::string& stage, error_code code, const std::string& message);
// The same for a failed result: its code (engine::errc::process_failed when it has none) and
// message.
void mark_dead(Event& e, const std::string& stage, const error& err);

}  // namespace sluice::operators
