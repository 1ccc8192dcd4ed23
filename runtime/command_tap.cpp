// sluice tap PIPELINE.STAGE [--endpoint ADDR] [--limit N]: the records leaving a stage of a
// running node, one JSON object a line (GET /pipelines/{name}/stages/{stage}/tap).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/api_client.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/http_client.h"

namespace sluice::runtime {
namespace {
const char* kTapHelp =
    "usage: sluice tap PIPELINE.STAGE [--endpoint ADDR] [--limit N]\n\n"
    "Prints the records leaving stage STAGE of pipeline PIPELINE of a running\n"
    "`sluice run --api ADDR`, one JSON object a line (the event form: op, source, key, before,\n"
    "after), until Ctrl-C or N records. For a sink: the records it receives to write. A stage\n"
    "faster than 1000 records/s is sampled (an even share of each batch); the pipeline never\n"
    "waits for the tap. ADDR (HOST:PORT or https://HOST:PORT) defaults to $SLUICE_ENDPOINT,\n"
    "else 127.0.0.1:9465; the token is read from $SLUICE_API_TOKEN.\n"
    "Exit codes: 0 ok (N records, or the pipeline finished), 2 usage, 3 the endpoint cannot be\n"
    "reached or has no such pipeline or stage.\n";

// Writes the complete, non-empty lines of the stream (empty ones are keep-alives).
class LinePrinter {
 public:
  explicit LinePrinter(unsigned long long limit) : limit_(limit) {}
  bool feed(const char* data, size_t size) {
    partial_.append(data, size);
    size_t start = 0;
    for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (nl == start) continue;
      std::fwrite(partial_.data() + start, 1, nl - start + 1, stdout);
      if (++printed_ == limit_) {
        start = nl + 1;
        break;
      }
    }
    partial_.erase(0, start);
    std::fflush(stdout);
    return !done();
  }
  bool done() const { return limit_ > 0 && printed_ >= limit_; }
  unsigned long long printed() const { return printed_; }

 private:
  unsigned long long limit_;
  unsigned long long printed_ = 0;
  std::string partial_;
};

bool parse_limit(const std::string& text, unsigned long long& limit) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  limit = std::strtoull(text.c_str(), nullptr, 10);
  return limit > 0;
}
}  // namespace

int command_tap(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("tap", argv, {"--endpoint", "--limit"}, {}, kTapHelp, exit_code);
  if (!args) return exit_code;
  const std::string target = args->positional.size() == 1 ? args->positional[0] : "";
  const auto dot = target.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) {
    std::fprintf(stderr, "sluice tap: give one PIPELINE.STAGE (e.g. orders.clean)\n\n%s", kTapHelp);
    return kExitUsage;
  }
  unsigned long long limit = 0;
  if (auto l = args->get("--limit"); l && !parse_limit(*l, limit)) {
    std::fprintf(stderr, "sluice tap: --limit takes a positive number of records, not '%s'\n",
                 l->c_str());
    return kExitUsage;
  }
  const std::string endpoint = args->get("--endpoint").value_or(default_endpoint());
  std::string path =
      "/pipelines/" + target.substr(0, dot) + "/stages/" + target.substr(dot + 1) + "/tap";
  if (limit > 0) path += "?limit=" + std::to_string(limit);
  LinePrinter printer(limit);
  auto r = http_stream(
      endpoint, path, [&](const char* data, size_t size) { return printer.feed(data, size); },
      10'000);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice tap: %s\n", r.err().message.c_str());
    return kExitRuntime;
  }
  if (r->status != 200) {
    std::fprintf(stderr, "sluice tap: %s\n",
                 api_error_text(endpoint, path, r->status, r->body).c_str());
    return kExitRuntime;
  }
  if (!printer.done()) {
    std::fprintf(stderr,
                 "sluice tap: the stream ended after %llu records (the pipeline finished)\n",
                 printer.printed());
  }
  return kExitOk;
}

}  // namespace sluice::runtime
