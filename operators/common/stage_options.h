// Helpers shared by the operators: finding raw option blocks in the AST, where bad input goes,
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

// The raw `name { ... }` block option of a stage, or nullptr.
const ast::Option* find_block(const ast::Stage* stage, const std::string& name);

// Whether a source sends input it cannot read to the dead-letter sink (the `dead_letter`
// and `on_error` options of file and kafka sources): by default when a dead_letter is named.
bool routes_bad_input(const std::string& dead_letter, const std::string& on_error);

// Attaches dead-letter info (stage, code, redacted message, attempts 1, at = now).
void mark_dead(Event& e, const std::string& stage, error_code code, const std::string& message);
// The same for a failed result: its code (engine::errc::process_failed when it has none) and
// message.
void mark_dead(Event& e, const std::string& stage, const error& err);

}  // namespace sluice::operators
