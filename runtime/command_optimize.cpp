// sluice optimize DIR [--min-files N] [--file-rows N]: compacts the small files of a Delta
// table written by `sink delta` (docs/delta.md, "Compaction").
#include <cstdio>
#include <string>

#include "operators/delta/table_optimize.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {

const char* kOptimizeHelp =
    "usage: sluice optimize DIR [--min-files N] [--file-rows N]\n\n"
    "Compacts a Delta table written by `sink delta`: when it holds at least N files of fewer\n"
    "than file-rows / 2 rows, their rows are written again as full files, in one commit\n"
    "(OPTIMIZE: removes and adds with dataChange false). Run it while no pipeline writes the\n"
    "table (a running sink compacts by itself: its option optimize_files).\n"
    "  --min-files N  compact at this many small files (default 2)\n"
    "  --file-rows N  rows of a full file (default 1000000, the sink's default)\n"
    "Exit codes: 0 done (or nothing to do), 2 usage, 3 failure.\n";

}  // namespace

int command_optimize(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("optimize", argv, {"--min-files", "--file-rows"}, {},
                                 kOptimizeHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice optimize: expected exactly one DIR\n\n%s", kOptimizeHelp);
    return kExitUsage;
  }
  int64_t min_files = 2;
  int64_t file_rows = 1000000;
  try {
    if (auto m = args->get("--min-files")) min_files = std::stoll(*m);
    if (auto f = args->get("--file-rows")) file_rows = std::stoll(*f);
  } catch (const std::exception&) {
    std::fprintf(stderr, "sluice optimize: --min-files and --file-rows take numbers\n");
    return kExitUsage;
  }
  if (min_files < 2 || file_rows < 1) {
    std::fprintf(stderr, "sluice optimize: --min-files must be >= 2, --file-rows >= 1\n");
    return kExitUsage;
  }
  const std::string& dir = args->positional[0];
  auto r = operators::delta::optimize_table(dir, file_rows, min_files);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice optimize: %s\n", r.err().message.c_str());
    return kExitRuntime;
  }
  if (r->version < 0) {
    std::printf("%s: nothing to compact (fewer than %lld small files)\n", dir.c_str(),
                static_cast<long long>(min_files));
    return kExitOk;
  }
  std::printf("%s: %lld files compacted into %lld (%lld rows), version %lld\n", dir.c_str(),
              static_cast<long long>(r->files_removed), static_cast<long long>(r->files_added),
              static_cast<long long>(r->rows), static_cast<long long>(r->version));
  return kExitOk;
}

}  // namespace sluice::runtime
