#!/usr/bin/env bash
# sink delta's write speed (issue 23): `sluice run` of ROWS generated records (BIGINT id,
# DECIMAL(15,2) amount, 12-character string, INT qty, timestamp) into a Delta table (append,
# zstd pages, file_rows 1,000,000), against two anchors measured in the same invocation:
#   - the same pipeline into `sink null` (what generating and the engine cost alone);
#   - DuckDB (npm @duckdb/node-api, tests/duckdb) writing the same number of rows of the same
#     column types to one Parquet file with zstd (COPY ... TO ... (FORMAT parquet)), timed
#     inside node (the query only, not node's start).
# Modes alternate run by run. Each Delta run's table is read back with DuckDB (count, sums).
#
#   [SLUICE=build/sluice] [RUNS=3] bash bench/delta_bench.sh [ROWS=2000000]
#   (without SLUICE it builds build/sluice, release)
# Prints one line per run, then the medians in rows/s and the Delta sink against each anchor.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-2000000}
RUNS=${RUNS:-3}
if [ -z "${SLUICE:-}" ]; then bash scripts/build.sh release --target sluice > /dev/null; fi
[ -d tests/duckdb/node_modules/@duckdb ] || npm ci --prefix tests/duckdb --no-audit --no-fund > /dev/null
BIN=$(realpath "${SLUICE:-build/sluice}")
WORK=$(mktemp -d /tmp/sluice-delta-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

pipe() {  # pipe SINK
  local sink='sink null out from gen {}'
  [ "$1" = delta ] && sink="sink delta out from gen { path = \"$WORK/lake/t\" }"
  cat <<PIPE
pipeline delta_bench {
  settings { state_dir = "$WORK/state"  checkpoint_interval = 1s }
  source generate gen {
    count = $ROWS
    fields { id = seq()  amount = random_decimal(0, 100000, 2)  name = random_string(12)
             qty = random_int(0, 1000)  ts = now() }
  }
  $sink
}
PIPE
}

now_s() { date +%s.%N; }

run_sluice() {  # run_sluice SINK -> rows/s
  rm -rf "$WORK/state" "$WORK/lake"
  pipe "$1" > "$WORK/p.pipe"
  local t0 t1
  t0=$(now_s)
  "$BIN" run "$WORK/p.pipe" > "$WORK/run.log" 2>&1
  t1=$(now_s)
  if [ "$1" = delta ]; then
    local n
    n=$(node -e "
      const fs=require('fs');const d='$WORK/lake/t/_delta_log/';const live=new Set();
      for(const f of fs.readdirSync(d).sort()){for(const l of fs.readFileSync(d+f,'utf8').split('\n')){
        if(!l)continue;const a=JSON.parse(l);if(a.add)live.add(a.add.path);if(a.remove)live.delete(a.remove.path);}}
      console.log(JSON.stringify([...live].map(p=>'$WORK/lake/t/'+p)))")
    n=$(node tests/duckdb/query.mjs "SELECT count(*)::VARCHAR AS n FROM read_parquet($n)" | sed 's/.*"n":"\([0-9]*\)".*/\1/')
    [ "$n" = "$ROWS" ] || { echo "delta table holds $n rows, not $ROWS" >&2; exit 1; }
  fi
  awk -v r="$ROWS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", r / (b - a) }'
}

run_duckdb() {  # -> rows/s
  rm -f "$WORK/duck.parquet"
  node --input-type=module -e "
    import { DuckDBInstance } from '$PWD/tests/duckdb/node_modules/@duckdb/node-api/lib/index.js';
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const t0 = process.hrtime.bigint();
    await c.run(\"COPY (SELECT range AS id, (random() * 100000)::DECIMAL(15,2) AS amount, \" +
      \"substr(md5(range::VARCHAR), 1, 12) AS name, (range % 1000)::BIGINT AS qty, now() AS ts \" +
      \"FROM range($ROWS)) TO '$WORK/duck.parquet' (FORMAT parquet, COMPRESSION zstd)\");
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(Math.round($ROWS / s));"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: > "$WORK/delta" ; : > "$WORK/null" ; : > "$WORK/duck"
for i in $(seq 1 "$RUNS"); do
  for mode in delta null duck; do
    if [ "$mode" = duck ]; then r=$(run_duckdb); else r=$(run_sluice "$mode"); fi
    echo "$r" >> "$WORK/$mode"
    echo "run $i $mode: $r rows/s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
d=$(median < "$WORK/delta"); n=$(median < "$WORK/null"); k=$(median < "$WORK/duck")
echo "== medians of $RUNS runs, $ROWS rows: sink delta $d rows/s, sink null $n rows/s, DuckDB COPY to Parquet $k rows/s"
awk -v d="$d" -v n="$n" -v k="$k" 'BEGIN { printf "== delta / null %.2f, delta / DuckDB %.2f\n", d / n, d / k }'
