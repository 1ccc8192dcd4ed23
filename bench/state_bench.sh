#!/usr/bin/env bash
# Aggregate state at production size (issue 18): `sluice run` of a generated stream of RECORDS
# records into NGROUPS groups (sum, count, max) into a null sink, once with the default state
# (RocksDB on disk) and once with `state { backend = memory }` as the anchor, RUNS times each.
# Then, for each backend, the pipeline is restarted on its state and fed 1,000 records/s for
# 10 s: the bytes the process wrote (/proc/PID/io write_bytes) and its peak RSS.
#
#   [RESTARTS=1] bash bench/state_bench.sh [RECORDS=3000000] [NGROUPS=1000000] [RUNS=3]
#   (release build). RESTARTS: restart trials per backend, each on the state of a full run of
#   its own (the last run's state for the first).
# Prints one line per run and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-3000000}
NGROUPS=${2:-1000000}
RUNS=${3:-3}
RESTARTS=${RESTARTS:-1}
bash scripts/build.sh release --target sluice > /dev/null
BIN=$PWD/build/sluice
WORK=$(mktemp -d /tmp/sluice-state-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

pipe() {  # pipe BACKEND SOURCE_OPTIONS
  local settings=""
  [ "$1" = memory ] && settings="settings { state { backend = memory } }"
  cat <<EOF
pipeline agg_bench {
  $settings
  source generate gen {
    $2
    fields {
      account = seq() % $NGROUPS
      amount = random_decimal(1, 1000, 2)
      at = random_int(1, 1000000000)
    }
  }
  aggregate per_account from gen {
    group by account
    total = sum(amount)
    n = count()
    latest = max(at)
  }
  sink null out from per_account { }
}
EOF
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Peak RSS (kB) and wall seconds of one full run; leaves the state in $WORK/state-$backend.
full_run() {
  local backend=$1 dir=$WORK/state-$1
  rm -rf "$dir"
  pipe "$backend" "count = $RECORDS" > "$WORK/$backend.pipe"
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$WORK/time" "$BIN" run "$WORK/$backend.pipe" --state-dir "$dir" \
    > "$WORK/run.log" 2>&1 || { tail -5 "$WORK/run.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$(cat "$WORK/time") $(echo "$t1 - $t0" | bc)"
}

# Restarted on the state: 10 s at 1,000 records/s. Prints write_bytes and peak RSS (kB).
restart_run() {
  local backend=$1 dir=$WORK/state-$1
  pipe "$backend" "rate = 1000/s" > "$WORK/$backend-rate.pipe"
  "$BIN" run "$WORK/$backend-rate.pipe" --state-dir "$dir" > "$WORK/rate.log" 2>&1 &
  local pid=$! peak=0 wb=0
  sleep 10
  # VmHWM is the peak RSS so far; write_bytes what the process made the kernel write.
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  wb=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$wb $peak"
}

for backend in rocksdb memory; do
  : > "$WORK/rate-$backend" ; : > "$WORK/rss-$backend"
  for i in $(seq 1 "$RUNS"); do
    read -r rss secs <<< "$(full_run "$backend")"
    rate=$(echo "$RECORDS / $secs" | bc)
    echo "$backend run $i: $RECORDS records in ${secs}s = $rate records/s, peak RSS $((rss / 1024)) MB"
    echo "$rate" >> "$WORK/rate-$backend"
    echo "$rss" >> "$WORK/rss-$backend"
  done
  for t in $(seq 1 "$RESTARTS"); do
    [ "$t" -gt 1 ] && full_run "$backend" > /dev/null
    read -r wb peak <<< "$(restart_run "$backend")"
    echo "$backend restarted ($t), 10 s at 1,000 records/s: wrote $((wb / 1048576)) MB, peak RSS $((peak / 1024)) MB"
  done
  echo "$backend median: $(median < "$WORK/rate-$backend") records/s, peak RSS $(( $(median < "$WORK/rss-$backend") / 1024 )) MB"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
