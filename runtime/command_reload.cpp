// sluice reload FILE [--endpoint ADDR] [--pipeline NAME]: hot-reloads a running node (its --api).
#include <cstdio>

#include "base/percent_encoding.h"
#include "dsl/loader.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/http_client.h"

namespace sluice::runtime {
namespace {
const char* kReloadHelp =
    "usage: sluice reload FILE [--endpoint ADDR] [--pipeline NAME]\n\n"
    "Hot-reloads the pipelines of a running `sluice run --api ADDR` node with FILE.\n"
    "FILE is checked first (the same messages as `sluice check`); an invalid file changes\n"
    "nothing. Otherwise the node takes a checkpoint barrier, replaces the changed stages,\n"
    "keeps the unchanged ones (actors and state), starts added pipelines and stops removed\n"
    "ones; nothing is lost or written twice. One line per pipeline is printed, e.g.\n"
    "  reload of p: pause 42.0 ms, kept [src], replaced [t], added [], removed []\n"
    "  --endpoint ADDR   the node's API (HOST:PORT or https://HOST:PORT; default\n"
    "                    $SLUICE_ENDPOINT, else 127.0.0.1:9465); token from $SLUICE_API_TOKEN\n"
    "  --pipeline NAME   reload only that pipeline of FILE (others are left alone)\n"
    "Exit codes: 0 reloaded, 1 invalid file, 2 usage, 3 the node refused or cannot be reached.\n";

// The "line" strings of the answer's pipelines (json_fields is a flat scanner).
std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> out;
  const std::string key = "\"line\":\"";
  size_t pos = 0;
  while ((pos = body.find(key, pos)) != std::string::npos) {
    pos += key.size();
    std::string s;
    while (pos < body.size() && body[pos] != '"') {
      if (body[pos] == '\\' && pos + 1 < body.size()) {
        ++pos;
        s += body[pos] == 'n' ? '\n' : body[pos];
      } else {
        s += body[pos];
      }
      ++pos;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string string_field(const std::string& body, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  size_t pos = body.find(key);
  if (pos == std::string::npos) return {};
  pos += key.size();
  std::string s;
  while (pos < body.size() && body[pos] != '"') {
    if (body[pos] == '\\' && pos + 1 < body.size()) {
      ++pos;
      if (body[pos] == 'n') {
        s += '\n';
      } else if (body[pos] == 't') {
        s += '\t';
      } else if (body[pos] == 'u' && pos + 4 < body.size()) {
        s += static_cast<char>(std::strtol(body.substr(pos + 1, 4).c_str(), nullptr, 16));
        pos += 4;
      } else {
        s += body[pos];
      }
    } else {
      s += body[pos];
    }
    ++pos;
  }
  return s;
}
}  // namespace

int command_reload(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args =
      cli::parse_command("reload", argv, {"--endpoint", "--pipeline"}, {}, kReloadHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice reload: expected exactly one FILE\n\n%s", kReloadHelp);
    return kExitUsage;
  }
  const std::string path = args->positional[0];
  // Check here first: the same report as `sluice check`, and nothing is sent when invalid.
  auto loaded = dsl::load_file(path, operators::registry().specs());
  std::string report = dsl::format(loaded);
  if (!report.empty()) std::fputs(report.c_str(), stderr);
  if (!loaded.ok()) {
    std::fprintf(stderr, "sluice reload: %s is invalid; the running pipelines are unchanged\n",
                 path.c_str());
    return kExitInvalid;
  }
  const std::string endpoint = args->get("--endpoint").value_or(default_endpoint());
  std::string target = "/reload";
  if (auto only = args->get("--pipeline"))
    target = "/pipelines/" + percent_encode(*only) + "/reload";
  target += "?file=" + percent_encode(path, "/");
  auto r = http_request(endpoint, "POST", target, loaded.file.text, 60'000);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice reload: %s\n", r.err().message.c_str());
    return kExitRuntime;
  }
  for (const auto& l : lines_of(r->body)) std::printf("%s\n", l.c_str());
  if (r->status == 200) return kExitOk;
  const std::string diags = string_field(r->body, "diagnostics");
  if (!diags.empty()) std::fputs(diags.c_str(), stderr);
  const std::string e = string_field(r->body, "error");
  if (!e.empty()) std::fprintf(stderr, "sluice reload: %s\n", e.c_str());
  if (r->status == 422) return kExitInvalid;
  if (r->status != 409 && e.empty()) {
    std::fprintf(stderr, "sluice reload: HTTP %d from %s\n", r->status, endpoint.c_str());
  }
  return kExitRuntime;
}

}  // namespace sluice::runtime
