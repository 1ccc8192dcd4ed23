#include <cstdio>

#include "operators/registry.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
const char* role_name(dsl::Role r) {
  switch (r) {
    case dsl::Role::Source: return "source";
    case dsl::Role::Sink: return "sink";
    case dsl::Role::Transform: return "transform";
    case dsl::Role::Aggregate: return "aggregate";
    case dsl::Role::Join: return "join";
  }
  return "?";
}
}  // namespace

int command_list(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::puts("usage: sluice list\n\nPrints every registered operator kind with its summary.");
    return kExitOk;
  }
  for (const auto& k : operators::registry().all()) {
    std::string name = std::string(role_name(k.spec.role)) + (k.spec.kind.empty() ? "" : " " + k.spec.kind);
    std::printf("%-22s %s\n", name.c_str(), k.spec.summary.c_str());
  }
  return kExitOk;
}

}  // namespace sluice::runtime
