#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/json.h"
#include "dsl/loader.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/graph_render.h"
#include "runtime/http_client.h"
#include "runtime/json_fields.h"

namespace sluice::runtime {
namespace {
const char* kGraphHelp =
    "usage: sluice graph FILE [--format dot|mermaid|svg] [--endpoint ADDR]\n\n"
    "Prints the compiled actor graph of every pipeline in FILE: one node per stage (with its\n"
    "parallelism), data edges, and dashed edges for dead letters. Default format: dot.\n"
    "  --format svg     renders through Graphviz's `dot` (must be installed: apt-get install "
    "graphviz)\n"
    "  --endpoint ADDR  decorate stages and edges with live rates, lag and dead letters from a "
    "running\n"
    "                   `sluice run --api ADDR` (token from $SLUICE_API_TOKEN)\n";

std::string find_dot() {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find(':', i);
    if (j == std::string::npos) j = p.size();
    std::string dir = p.substr(i, j - i);
    if (!dir.empty()) {
      std::string cand = dir + "/dot";
      if (::access(cand.c_str(), X_OK) == 0) return cand;
    }
    i = j + 1;
  }
  return {};
}

// Runs `dot -Tsvg` on the text; the SVG or an error message.
result<std::string> to_svg(const std::string& dot_text) {
  const std::string dot = find_dot();
  if (dot.empty()) {
    return error::permanent(
        "--format svg needs Graphviz's `dot`, which is not installed (apt-get install graphviz); "
        "use --format dot and render it elsewhere");
  }
  char tmpl[] = "/tmp/sluice-graph-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return error::permanent("cannot create a temporary file");
  ::close(fd);
  {
    std::ofstream f(tmpl, std::ios::binary);
    f << dot_text;
  }
  std::string cmd = "'" + dot + "' -Tsvg '" + std::string(tmpl) + "'";
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string svg;
  if (pipe) {
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) svg.append(buf, n);
  }
  const int status = pipe ? ::pclose(pipe) : -1;
  std::filesystem::remove(tmpl);
  if (status != 0 || svg.empty()) return error::permanent("`dot -Tsvg` failed");
  return svg;
}

result<GraphLive> fetch_live(const std::string& endpoint, const ast::File& file) {
  GraphLive live;
  for (const auto& p : file.pipelines) {
    auto r = http_request(endpoint, "GET", "/pipelines/" + p.name);
    if (!r.ok()) return r.err();
    if (r->status == 404) continue;  // not running there
    auto v = json::parse(r->body);
    if (!v.ok() || r->status != 200) return error::permanent("unexpected answer from " + endpoint);
    const std::string state = json_text(json_field(*v, "state"));
    const Value* stages = json_field(*v, "stages");
    if (!stages || stages->type() != Type::List) continue;
    for (const auto& s : stages->as_list()) {
      StageLive l;
      l.state = state;
      l.out_per_second = json_number(json_field(s, "out_per_second"));
      l.out = static_cast<uint64_t>(json_number(json_field(s, "out")));
      l.dead = static_cast<uint64_t>(json_number(json_field(s, "dead_letters")));
      l.in_flight = static_cast<uint64_t>(json_number(json_field(s, "in_flight")));
      if (const Value* lag = json_field(s, "lag_seconds")) l.lag_seconds = json_number(lag);
      live[p.name + "/" + json_text(json_field(s, "name"))] = l;
    }
  }
  return live;
}
}  // namespace

int command_graph(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args =
      cli::parse_command("graph", argv, {"--format", "--endpoint"}, {}, kGraphHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice graph: expected exactly one FILE\n\n%s", kGraphHelp);
    return kExitUsage;
  }
  std::string fmt = args->get("--format").value_or("dot");
  GraphFormat format;
  if (fmt == "dot" || fmt == "svg") {
    format = GraphFormat::Dot;
  } else if (fmt == "mermaid") {
    format = GraphFormat::Mermaid;
  } else {
    std::fprintf(stderr, "sluice graph: unknown format '%s' (use dot, mermaid or svg)\n",
                 fmt.c_str());
    return kExitUsage;
  }
  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  if (!loaded.ok()) {
    std::fputs(dsl::format(loaded).c_str(), stderr);
    return kExitInvalid;
  }
  GraphLive live;
  if (auto endpoint = args->get("--endpoint")) {
    auto l = fetch_live(*endpoint, loaded.file);
    if (!l.ok()) {
      std::fprintf(stderr, "sluice graph: %s\n", l.err().message.c_str());
      return kExitRuntime;
    }
    live = std::move(l).value();
  }
  std::string text = render_graph(loaded.file, format, args->has("--endpoint") ? &live : nullptr);
  if (fmt == "svg") {
    auto svg = to_svg(text);
    if (!svg.ok()) {
      std::fprintf(stderr, "sluice graph: %s\n", svg.err().message.c_str());
      return kExitRuntime;
    }
    text = std::move(svg).value();
  }
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace sluice::runtime
