#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang-14, ASan + UBSan, build-fuzz/) and runs each
# for SECONDS (default 60), FUZZ_JOBS (default 2) at a time, from a temporary copy of its seed
# corpus tests/fuzz/corpus/<target>/ (the committed seeds are never modified). One line a target:
# inputs run, coverage (edges, features), corpus size, result. Fails when a target crashes, hangs
# (an input over 10 s), leaks, runs out of memory or reports undefined behaviour; the input that
# did it and the log are kept in build-fuzz/findings/<target>/ (docs/testing.md, "Fuzzing").
#   bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
par=${FUZZ_JOBS:-2}
dir=build-fuzz
root=$PWD
start=$(date +%s)

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$PWD")}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLUICE_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target fuzz_targets
built=$(date +%s)

mapfile -t targets < <(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//')
work=$(mktemp -d /tmp/sluice-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one() {
  local t=$1 w=$work/$1
  mkdir -p "$w/corpus" "$w/artifacts"
  if [ -d "tests/fuzz/corpus/$t" ]; then cp -r "tests/fuzz/corpus/$t/." "$w/corpus/"; fi
  local rc=0
  (cd "$w" && "$root/$dir/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$w/artifacts/" corpus >log 2>&1) || rc=$?
  echo "$rc" >"$w/rc"
}

echo "fuzz: ${#targets[@]} targets, ${secs}s each, $par at a time"
for t in "${targets[@]}"; do
  run_one "$t" &
  while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n || true; done
done
wait

failed=0
for t in "${targets[@]}"; do
  w=$work/$t
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$w/log" | tail -n 1 |
    awk '{print "cov " $2 "  ft " $4 "  corpus " $6}')
  rc=$(cat "$w/rc")
  if [ "$rc" = 0 ]; then
    result=ok
  else
    failed=1
    keep=$dir/findings/$t
    rm -rf "$keep" && mkdir -p "$keep"
    cp "$w/log" "$keep/" && cp -r "$w/artifacts/." "$keep/"
    result="FAILED (exit $rc): $keep"
  fi
  printf '%-20s runs %-10s %-40s %s\n' "$t" "${runs:-?}" "${cov:-cov ?}" "$result"
done
for t in "${targets[@]}"; do
  if [ "$(cat "$work/$t/rc")" != 0 ]; then
    echo "== $t: $(grep -m 1 -E 'ERROR: |runtime error|what\(\)|^whole|does not|consumed' "$work/$t/log")"
    grep -E '^ +#[0-9]+ .* in (sluice::|LLVMFuzzerTestOneInput)' "$work/$t/log" | head -n 8 || true
  fi
done
echo "fuzz.sh: build $((built - start))s, runs $(($(date +%s) - built))s"
exit "$failed"
