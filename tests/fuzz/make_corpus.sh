#!/usr/bin/env bash
# Regenerates the seed corpora tests/fuzz/corpus/<target>/ from the tests' own inputs: runs the
# unit test suites that hand the decoders their inputs with SLUICE_FUZZ_SEEDS set (the tests call
# tests/support/fuzz_seed.h, which then writes each input; the mysql suites also write the events
# their private MariaDB logged, tests/unit/mysql/binlog_seeds.h), then keeps per target only the
# inputs that add coverage (libFuzzer -merge=1 with the fuzz build). Commit what it changes.
#   bash tests/fuzz/make_corpus.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
raw=$(mktemp -d /tmp/sluice-seeds-XXXXXX)
trap 'rm -rf "$raw"' EXIT

bash scripts/build.sh release --target test_mysql test_value test_operators test_engine \
  test_mongodb test_kafka
(
  export SLUICE_FUZZ_SEEDS=$raw
  cd build/tests &&
    ./test_mysql --run_test=binlog_event,mysql_decoder,mysql8_formats,mysql_types,mysql_compression &&
    ./test_value --run_test=json_codec &&
    ./test_operators --run_test=file_source &&
    ./test_engine --run_test=engine_config &&
    ./test_mongodb --run_test=mongodb_failure &&
    ./test_kafka --run_test=debezium_codec
) >"$raw/tests.log" 2>&1 || { tail -n 30 "$raw/tests.log"; exit 1; }

# The fuzz build (as scripts/fuzz.sh makes it), for the merge.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLUICE_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_targets

for src in tests/fuzz/fuzz_*.cpp; do
  t=$(basename "$src" .cpp)
  out=tests/fuzz/corpus/$t
  rm -rf "$out" && mkdir -p "$out" "$raw/$t"
  build-fuzz/fuzz/"$t" -merge=1 "$out" "$raw/$t" >"$raw/$t.merge.log" 2>&1
  printf "%-20s %4d test inputs -> %3d seeds, %6d bytes\n" "$t" "$(ls "$raw/$t" | wc -l)" \
    "$(ls "$out" | wc -l)" "$(cat "$out"/* | wc -c)"
done
