#!/usr/bin/env bash
# Runs every test: installs dependencies, builds release and sanitizer builds, runs ctest on both.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/install-deps.sh
echo "== every C++ source agrees with .clang-format"
bash scripts/format.sh --check
echo "== release build"
bash scripts/build.sh release
echo "== clang-tidy (the curated checks of .clang-tidy) over every production source"
bash scripts/tidy.sh
echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
# Only what the sanitizer run executes (the tests below and the sluice binary test_cluster
# starts): not test_integration or the benchmarks, which run in the release build.
bash scripts/build.sh asan --target sluice
asan_tests=$(cd build-asan && ctest -N -E test_integration | sed -n 's/^ *Test *#[0-9]*: //p')
# shellcheck disable=SC2086
bash scripts/build.sh asan --target $asan_tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -E test_integration)
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
echo "== engine and runtime suites under ThreadSanitizer"
# The actor classes make CAF's message passing visible to TSan (engine/actors/tsan_visible.h);
# tests/tsan.supp lists CAF's own start-up and teardown. The cluster suite is not run here:
# CAF's network layer (libcaf_io, not instrumented) reports races inside itself.
bash scripts/build.sh tsan --target test_engine test_runtime
export TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp"
(cd build-tsan && ctest --output-on-failure -R '^test_(engine|runtime)$')
unset TSAN_OPTIONS
echo "== fuzz targets (clang-14 libFuzzer + ASan/UBSan), 60 s each"
bash scripts/fuzz.sh 60
echo "== generated operator reference is up to date"
build/sluice docs --check
echo "== docker/compose.yml is valid"
docker-compose -f docker/compose.yml config -q
echo "== all tests (release build)"
(cd build && ctest --output-on-failure)
echo "test.sh: finished in $(( $(date +%s) - start ))s"
