// sluice snapshot PIPELINE TABLE... [--stop] [--stage S] [--filter SQL] [--endpoint ADDR]:
// asks a running node (its --api) to re-read tables while streaming goes on (POST
// /pipelines/P/snapshot), or to stop such reads (DELETE).
#include <cstdio>

#include "base/json.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/http_client.h"

namespace sluice::runtime {
namespace {
const char* kSnapshotHelp =
    "usage: sluice snapshot PIPELINE TABLE... [--stop] [--stage NAME] [--filter SQL]\n"
    "                       [--endpoint ADDR]\n\n"
    "Re-reads TABLE (\"db.table\", '*' wildcards) in a running pipeline while its changes keep\n"
    "streaming (a lock-free snapshot of the mysql source: docs/mysql.md, \"Snapshots on\n"
    "demand\"); sinks receive the rows as op \"r\". Prints one line per source.\n"
    "  --stop            stop reading TABLE (every table being read when none is named)\n"
    "  --stage NAME      only that source of the pipeline\n"
    "  --filter SQL      read only the rows matching SQL (e.g. \"region = 'eu'\")\n"
    "  --endpoint ADDR   the node's API (HOST:PORT or https://HOST:PORT; default\n"
    "                    $SLUICE_ENDPOINT, else 127.0.0.1:9465); token from $SLUICE_API_TOKEN\n"
    "Exit codes: 0 accepted, 2 usage, 3 refused or the node cannot be reached.\n";

std::string quoted(const std::string& s) {
  std::string o;
  json::encode_string(s, o);
  return o;
}

// One "stage: answer" line per entry of the answer's "stages" object.
void print_snapshot_stages(const Value& body) {
  const Value* stages =
      body.type() == Type::Object ? body.as_object().find(intern("stages")) : nullptr;
  if (stages == nullptr || stages->type() != Type::Object) return;
  for (const auto& f : stages->as_object().fields()) {
    if (f.value.type() != Type::Object) continue;
    const Value* ok = f.value.as_object().find(intern("ok"));
    const Value* err = f.value.as_object().find(intern("error"));
    if (ok) std::printf("%s: %s\n", sym_name(f.name).c_str(), ok->to_display().c_str());
    if (err) std::fprintf(stderr, "%s: %s\n", sym_name(f.name).c_str(), err->to_display().c_str());
  }
}
}  // namespace

int command_snapshot(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("snapshot", argv, {"--endpoint", "--stage", "--filter"},
                                 {"--stop"}, kSnapshotHelp, exit_code);
  if (!args) return exit_code;
  const bool stop = args->has("--stop");
  if (args->positional.empty() || (!stop && args->positional.size() < 2)) {
    std::fprintf(stderr, "sluice snapshot: expected PIPELINE and at least one TABLE\n\n%s",
                 kSnapshotHelp);
    return kExitUsage;
  }
  const std::string& pipeline = args->positional[0];
  std::string body = "{\"tables\":[";
  for (size_t i = 1; i < args->positional.size(); ++i)
    body += (i > 1 ? "," : "") + quoted(args->positional[i]);
  body += "]";
  if (auto f = args->get("--filter")) {
    body += ",\"filters\":{";
    for (size_t i = 1; i < args->positional.size(); ++i)
      body += (i > 1 ? "," : "") + quoted(args->positional[i]) + ":" + quoted(*f);
    body += "}";
  }
  body += "}";
  std::string target = "/pipelines/" + pipeline + "/snapshot";
  if (auto s = args->get("--stage")) target += "?stage=" + *s;
  const std::string endpoint = args->get("--endpoint").value_or(default_endpoint());
  auto r = http_request(endpoint, stop ? "DELETE" : "POST", target, body, 60'000);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice snapshot: %s\n", r.err().message.c_str());
    return kExitRuntime;
  }
  auto v = json::parse(r->body);
  if (v.ok()) print_snapshot_stages(*v);
  if (r->status == 200) return kExitOk;
  const Value* e =
      v.ok() && v->type() == Type::Object ? v->as_object().find(intern("error")) : nullptr;
  std::fprintf(stderr, "sluice snapshot: %s\n",
               e ? e->to_display().c_str() : ("HTTP " + std::to_string(r->status)).c_str());
  return kExitRuntime;
}

}  // namespace sluice::runtime
