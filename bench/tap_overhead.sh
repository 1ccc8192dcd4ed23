#!/usr/bin/env bash
# What a `sluice tap` costs the pipeline it watches (issue 22, point 4): an unbounded
# generate -> transform (3 statements) -> null pipeline under `sluice run --api`, its steady
# throughput measured from the API's counters over a window, with no tap, with `sluice tap p.t`
# attached (the transform: sampled to 1000 records/s), and with all three stages tapped at once.
# Each run is a fresh process measured in three consecutive windows, one per mode, so that the
# modes are compared within a process (runs differ more than windows do); the order of the modes
# turns from run to run (none t all, t all none, all none t): give a multiple of 3 runs.
#
#   [SLUICE=build/sluice] bash bench/tap_overhead.sh [runs=6] [window_s=5] [warmup_s=2]
#
# Prints every run (records/s = sink records written in the window / window; CPU ns/record = the
# `sluice run` process's user + system CPU in the window / those records, which a busy shared
# machine disturbs less than the rate), the medians per mode, their change against no tap, and
# the load average before and after. The `sluice tap` clients' own CPU is not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${1:-6}
WINDOW=${2:-5}
WARMUP=${3:-2}
SLUICE=${SLUICE:-$ROOT/build/sluice}
[ -x "$SLUICE" ] || { echo "build sluice first: bash scripts/build.sh release" >&2; exit 1; }
command -v curl > /dev/null || { echo "needs curl" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sluice-tapbench-XXXXXX)
NODE=
TAPS=()
cleanup() {
  for pid in "${TAPS[@]}"; do kill "$pid" 2> /dev/null || true; done
  [ -n "$NODE" ] && kill "$NODE" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$WORK/p.pipe" << EOF
pipeline p {
  settings { state_dir = "$WORK/state" }
  source generate gen { fields { n = seq() } }
  transform t from gen {
    set doubled = n * 2
    set label = "row " + to_string(n)
    where n % 1000 != 999
  }
  sink null out from t { }
}
EOF
"$SLUICE" check "$WORK/p.pipe" > /dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cpu_ticks() {  # user + system CPU of process $1 so far, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

written() {  # records written by the pipeline's sinks so far
  curl -sf "http://$1/pipelines/p" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records_written"])'
}

start_node() {  # sets NODE and ADDR
  ADDR=127.0.0.1:$(free_port)
  "$SLUICE" run "$WORK/p.pipe" --api "$ADDR" > "$WORK/node.log" 2>&1 &
  NODE=$!
  for _ in $(seq 100); do curl -sf "http://$ADDR/pipelines" > /dev/null && break; sleep 0.1; done
  sleep "$WARMUP"
}

stop_node() {
  kill "$NODE"
  wait "$NODE" 2> /dev/null || true
  NODE=
}

window() {  # $1 = none | t | all ; prints records/s, CPU ns per record, tapped lines
  local mode=$1 before after cpu0 cpu1 tapped=0
  TAPS=()
  case $mode in
    t) "$SLUICE" tap p.t --endpoint "$ADDR" > "$WORK/tap-t.jsonl" & TAPS+=($!) ;;
    all)
      for s in gen t out; do
        "$SLUICE" tap "p.$s" --endpoint "$ADDR" > "$WORK/tap-$s.jsonl" &
        TAPS+=($!)
      done
      ;;
  esac
  sleep 0.5
  before=$(written "$ADDR")
  cpu0=$(cpu_ticks "$NODE")
  sleep "$WINDOW"
  after=$(written "$ADDR")
  cpu1=$(cpu_ticks "$NODE")
  if [ "$mode" != none ]; then tapped=$(cat "$WORK"/tap-*.jsonl | wc -l); fi
  for pid in "${TAPS[@]}"; do kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; done
  TAPS=()
  rm -f "$WORK"/tap-*.jsonl
  echo "$(( (after - before) / WINDOW )) $(( (cpu1 - cpu0) * 1000000000 / $(getconf CLK_TCK) / (after - before) )) $tapped"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A RESULTS CPU
for i in $(seq "$RUNS"); do
  start_node
  # The order turns from run to run: a later window of a process tends to be faster.
  modes=(none t all none t)
  for mode in "${modes[@]:$(( (i - 1) % 3 )):3}"; do
    read -r rate ns tapped < <(window "$mode")
    RESULTS[$mode]+="$rate "
    CPU[$mode]+="$ns "
    printf 'run %d %-4s %12s records/s %6s CPU ns/record  (%s tapped lines)\n' "$i" "$mode" \
      "$rate" "$ns" "$tapped"
  done
  stop_node
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
med() { echo "$1" | tr ' ' '\n' | grep . | median; }
base=$(med "${RESULTS[none]}")
base_ns=$(med "${CPU[none]}")
for mode in none t all; do
  m=$(med "${RESULTS[$mode]}")
  n=$(med "${CPU[$mode]}")
  awk -v mode="$mode" -v m="$m" -v b="$base" -v n="$n" -v bn="$base_ns" 'BEGIN {
    printf "median %-4s %12d records/s (%+.1f%%) %6d CPU ns/record (%+.1f%%) vs no tap\n",
      mode, m, (m / b - 1) * 100, n, (n / bn - 1) * 100 }'
done
