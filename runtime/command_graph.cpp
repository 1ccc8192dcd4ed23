#include <cstdio>

#include "dsl/loader.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/graph_render.h"

namespace sluice::runtime {
namespace {
const char* kHelp =
    "usage: sluice graph FILE [--format dot|mermaid]\n\n"
    "Prints the compiled actor graph of every pipeline in FILE: one node per stage (with its\n"
    "parallelism), data edges, and dashed edges for dead letters. Default format: dot.\n"
    "Render dot with Graphviz: sluice graph f.pipe | dot -Tsvg > f.svg\n";
}

int command_graph(const std::vector<std::string>& argv) {
  std::string err;
  auto args = cli::parse_args(argv, {"--format"}, {"--help"}, err);
  if (!args) {
    std::fprintf(stderr, "sluice graph: %s\n\n%s", err.c_str(), kHelp);
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice graph: expected exactly one FILE\n\n%s", kHelp);
    return kExitUsage;
  }
  std::string fmt = args->get("--format").value_or("dot");
  GraphFormat format;
  if (fmt == "dot") {
    format = GraphFormat::Dot;
  } else if (fmt == "mermaid") {
    format = GraphFormat::Mermaid;
  } else {
    std::fprintf(stderr, "sluice graph: unknown format '%s' (use dot or mermaid)\n", fmt.c_str());
    return kExitUsage;
  }
  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  if (!loaded.ok()) {
    std::fputs(dsl::format(loaded).c_str(), stderr);
    return kExitInvalid;
  }
  std::fputs(render_graph(loaded.file, format).c_str(), stdout);
  return kExitOk;
}

}  // namespace sluice::runtime
