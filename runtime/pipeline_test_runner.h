// `sluice test`: runs the test blocks of a file (docs/testing.md). Each test runs its pipeline
// in this process on the real engine, with every source replaced by the records the test gives
// (none for sources it does not name) and every sink by a capture: nothing is opened.
#pragma once
#include <string>
#include <vector>

#include "dsl/ast.h"

namespace sluice::runtime {

struct TestResult {
  std::string name;
  ast::Loc loc;
  bool passed = false;
  std::string report;  // why it failed: one block per failing expectation ("" when passed)
};

// Runs every test of `path`, whose text `text` has been checked without errors.
std::vector<TestResult> run_tests(const std::string& path, const std::string& text);

}  // namespace sluice::runtime
