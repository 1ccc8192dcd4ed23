#!/usr/bin/env bash
# Runs every test: installs dependencies, builds release and sanitizer builds, runs ctest on both.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# Each step's heading carries the seconds since the start, so a CI log shows where time goes.
step() { echo "== [$(( $(date +%s) - start ))s] $*"; }
# ctest in DIR; when it fails, its failing checks and sanitizer reports are printed again at the
# end, so a log cut in the middle still names them.
run_ctest() {
  local dir=$1
  shift
  if (cd "$dir" && ctest --output-on-failure "$@"); then return 0; fi
  echo "== what failed in $dir:"
  grep -a -h -A1 -E 'error: in "|fatal error: in "|ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer|\*\*\*Failed|\*\*\*Exception' \
    "$dir/Testing/Temporary/LastTest.log" | head -60 || true
  return 1
}
bash scripts/install-deps.sh
# The tests' reference Parquet reader (tests/duckdb/query.mjs): DuckDB from npm, its own binary.
npm ci --prefix tests/duckdb --no-audit --no-fund
npm ci --prefix tests/s3 --no-audit --no-fund
step "every C++ source agrees with .clang-format"
bash scripts/format.sh --check
step "release build"
bash scripts/build.sh release
# The quick checks and the fuzz targets first: what fails there shows within minutes.
step "generated operator reference is up to date"
build/sluice docs --check
step "docker/compose.yml is valid"
docker-compose -f docker/compose.yml config -q
step "fuzz targets (clang-14 libFuzzer + ASan/UBSan), 60 s each"
bash scripts/fuzz.sh 60
step "clang-tidy (the curated checks of .clang-tidy) over every production source"
bash scripts/tidy.sh
step "every suite (unit, integration, cluster) under AddressSanitizer + UndefinedBehaviorSanitizer"
# Only what the sanitizer run executes (the suites and the sluice binary the integration and
# cluster suites start), not the benchmarks, which run in the release build.
bash scripts/build.sh asan --target sluice
asan_tests=$(cd build-asan && ctest -N | sed -n 's/^ *Test *#[0-9]*: //p')
# shellcheck disable=SC2086
bash scripts/build.sh asan --target $asan_tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_ctest build-asan
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
step "engine, runtime and cluster suites under ThreadSanitizer"
# The actor classes make CAF's message passing visible to TSan (engine/actors/tsan_visible.h);
# tests/tsan.supp and tests/tsan_cluster.supp list what is left inside CAF (scripts/tsan.sh).
bash scripts/tsan.sh
step "all tests (release build), two suites at a time"
# Each suite starts its own servers on free ports, so two run side by side; the sanitizer run
# above stays one at a time (its suites are slower and some wait on deadlines).
run_ctest build -j2
echo "test.sh: finished in $(( $(date +%s) - start ))s"
