// sluice reconcile FILE [--pipeline NAME] [--repair] [--chunk N]: compares every MySQL source
// table and MongoDB source collection with the PostgreSQL or Delta table its upsert sink
// writes, reports missing / extra / different rows and, with --repair, re-reads those rows
// from the source and sends them through the sinks.
#include <cstdio>
#include <string>

#include "dsl/loader.h"
#include "operators/registry.h"
#include "reconcile/reconcile_job.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {

using reconcile::ReconcileStatus;

constexpr int kExitDiffers = 4;

const char* kReconcileHelp =
    "usage: sluice reconcile FILE [--pipeline NAME] [--repair] [--chunk ROWS] [--show N]\n\n"
    "Compares each table of every `source mysql` (each collection of every `source mongodb`)\n"
    "with the table its `sink postgres` or `sink delta` (mode upsert, fed directly by the\n"
    "source) writes: primary-key chunks with checksums first, then the rows of the chunks that\n"
    "differ (a Delta table's current files are read once; a collection is one chunk, keyed by\n"
    "_id). Reports missing, extra and different rows.\n"
    "  --repair      re-read the missing and different rows from the source and send them (and\n"
    "                deletes for the extra rows) through the pipeline's sinks, then compare again\n"
    "  --chunk ROWS  rows per checksum chunk (default 10000; tables keyed by one integer column)\n"
    "  --show N      keys listed per kind of difference (default 10)\n"
    "Exit codes: 0 in sync, 1 invalid pipeline, 2 usage, 3 failure, 4 differences remain.\n";

std::string key_text(const std::vector<std::string>& key) {
  std::string s = "(";
  for (size_t i = 0; i < key.size(); ++i) s += (i ? ", " : "") + key[i];
  return s + ")";
}

void print_keys(const char* what, const std::vector<std::vector<std::string>>& keys, size_t show) {
  if (keys.empty()) return;
  std::printf("    %-9s %zu:", what, keys.size());
  for (size_t i = 0; i < keys.size() && i < show; ++i)
    std::printf(" %s", key_text(keys[i]).c_str());
  if (keys.size() > show) std::printf(" ...");
  std::printf("\n");
}

// The different rows' keys, each with the columns that differ when they are known:
// "(1: f, tm)".
void print_different(const reconcile::TableDiff& d, size_t show) {
  if (d.different.empty()) return;
  std::printf("    %-9s %zu:", "different", d.different.size());
  for (size_t i = 0; i < d.different.size() && i < show; ++i) {
    std::string text = key_text(d.different[i]);
    if (i < d.different_columns.size() && !d.different_columns[i].empty()) {
      std::string names;
      for (size_t c : d.different_columns[i]) {
        if (c < d.columns.size()) names += (names.empty() ? "" : ", ") + d.columns[c];
      }
      if (!names.empty()) text.insert(text.size() - 1, ": " + names);
    }
    std::printf(" %s", text.c_str());
  }
  if (d.different.size() > show) std::printf(" ...");
  std::printf("\n");
}

std::string diff_summary(const reconcile::TableDiff& d) {
  if (d.in_sync()) return "in sync";
  return std::to_string(d.missing.size()) + " missing, " + std::to_string(d.extra.size()) +
         " extra, " + std::to_string(d.different.size()) + " different";
}

reconcile::ReconcileObserver printer(size_t show) {
  reconcile::ReconcileObserver o;
  o.skipped_sink = [](const std::string& sink) {
    std::printf("skipping sink '%s': mode is not upsert (its rows are not one per source row)\n",
                sink.c_str());
  };
  o.compared = [show](const reconcile::TablePair& pr, const reconcile::TableDiff& d) {
    std::printf(
        "%s.%s -> %s (sink %s): %llu source rows, %llu target rows, %llu/%llu chunks "
        "differ: %s\n",
        pr.db.c_str(), pr.table.c_str(), pr.target_name().c_str(), pr.sink_stage.c_str(),
        static_cast<unsigned long long>(d.source_rows),
        static_cast<unsigned long long>(d.target_rows),
        static_cast<unsigned long long>(d.differing_chunks),
        static_cast<unsigned long long>(d.chunks), diff_summary(d).c_str());
    print_keys("missing", d.missing, show);
    print_keys("extra", d.extra, show);
    print_different(d, show);
    if (!d.not_compared.empty()) {
      std::printf("    not compared %zu (the source cannot decode them):", d.not_compared.size());
      for (size_t i = 0; i < d.not_compared.size() && i < show; ++i)
        std::printf(" %s", d.not_compared[i].c_str());
      std::printf("\n");
    }
  };
  o.repairing = [](const std::string& source, const std::string& sink, size_t rows) {
    std::printf("repair: sending %zu row(s) from '%s' through sink '%s'\n", rows, source.c_str(),
                sink.c_str());
  };
  o.after_repair = [](const reconcile::TablePair& pr, bool in_sync) {
    std::printf("after repair: %s.%s -> %s %s\n", pr.db.c_str(), pr.table.c_str(),
                pr.target_name().c_str(), in_sync ? "in sync" : "still differs");
  };
  return o;
}

}  // namespace

int command_reconcile(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("reconcile", argv, {"--pipeline", "--chunk", "--show"},
                                 {"--repair"}, kReconcileHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice reconcile: expected exactly one FILE\n\n%s", kReconcileHelp);
    return kExitUsage;
  }
  reconcile::ReconcileOptions options;
  size_t show = 10;
  try {
    if (auto c = args->get("--chunk")) options.chunk_rows = std::stoll(*c);
    if (auto s = args->get("--show")) show = static_cast<size_t>(std::stoul(*s));
  } catch (const std::exception&) {
    std::fprintf(stderr, "sluice reconcile: --chunk and --show take numbers\n");
    return kExitUsage;
  }
  if (options.chunk_rows < 1) options.chunk_rows = 1;
  options.repair = args->has("--repair");
  options.pipeline = args->get("--pipeline").value_or("");
  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  if (!loaded.ok()) {
    std::fputs(dsl::format(loaded).c_str(), stderr);
    return kExitInvalid;
  }
  auto outcome = reconcile::reconcile_file(loaded.file, options, printer(show));
  switch (outcome.status) {
    case ReconcileStatus::InSync:
      return kExitOk;
    case ReconcileStatus::Differs:
      return kExitDiffers;
    case ReconcileStatus::NothingToCompare:
      std::fprintf(
          stderr,
          "sluice reconcile: no `source mysql` or `source mongodb` feeding a `sink postgres` or "
          "`sink delta` (mode upsert) found%s\n",
          options.pipeline.empty() ? "" : (" in pipeline '" + options.pipeline + "'").c_str());
      return kExitInvalid;
    case ReconcileStatus::Invalid:
      std::fprintf(stderr, "sluice reconcile: %s\n", outcome.message.c_str());
      return kExitInvalid;
    case ReconcileStatus::Failed:
      break;
  }
  std::fprintf(stderr, "sluice reconcile: %s\n", outcome.message.c_str());
  return kExitRuntime;
}

}  // namespace sluice::runtime
