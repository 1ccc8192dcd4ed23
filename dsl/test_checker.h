// Checks the test blocks of a file (docs/testing.md): the pipeline and stages they name, the
// records they give (constant lists of objects, metadata keys `@op` `@before` `@key` `@table`
// `@db` `@ts` with the right types) and the counts they expect.
#pragma once
#include <string>

#include "base/value.h"
#include "dsl/ast.h"
#include "dsl/diagnostics.h"

namespace sluice::dsl {

void check_tests(const ast::File& file, Diagnostics& diags);

// What is wrong with the metadata of one test record ("" when nothing): an unknown `@name`,
// `@op` not one of "c" "u" "d" "r" "t", `@before` not an object, `@ts` not a timestamp.
std::string test_record_error(const Object& record);

}  // namespace sluice::dsl
