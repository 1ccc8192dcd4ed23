#!/usr/bin/env bash
# Commit -> Delta lake lag under a steady write load (issue 23: the replaced MongoDB CDC -> Delta
# stack promised >= 10,000 events/s per table and a p95 lag under 60 s).
#
#   [SLUICE=build/sluice] [INTERVAL=1s] bash bench/delta_lag.sh [rate_per_s=10000] [seconds=30] [runs=3]
#
# Private MariaDB (scripts/local_servers.sh). Each run: a fresh table, `sluice run` of
# bench.events -> sink delta (append, checkpoint_interval INTERVAL), a writer committing every
# 10 ms (rate/100 inserts a transaction, created_at = SYSDATE(6)) for `seconds`, and a poller
# (node) that notes when each data file becomes part of the table (the log version that adds it
# appears). Lag of a row = the moment its file became visible - its created_at; p50/p95/p99/max
# over every row (DuckDB reads the files), the rows/s the writer achieved (rows over the span of
# their created_at) and the rows counted, the load average. Compaction is off (optimize_files =
# 0) so that a row stays in the file it was first written to.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RATE=${1:-10000}
SECONDS_RUN=${2:-30}
RUNS=${3:-3}
INTERVAL=${INTERVAL:-1s}
SLUICE=${SLUICE:-$ROOT/build/sluice}
[ -x "$SLUICE" ] || { echo "build sluice first: bash scripts/build.sh release" >&2; exit 1; }
[ -d tests/duckdb/node_modules/@duckdb ] || npm ci --prefix tests/duckdb --no-audit --no-fund > /dev/null

SERVERS=$(bash scripts/local_servers.sh start)
WORK=$(mktemp -d /tmp/sluice-deltalag-XXXXXX)
trap 'kill "${POLLER:-0}" "${SLUICE_PID:-0}" 2>/dev/null || true; bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS" > /dev/null; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
PER_TX=$((RATE / 100))
TICKS=$((SECONDS_RUN * 100))
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RATE rows/s for ${SECONDS_RUN}s, checkpoint_interval $INTERVAL"

mysql_cli -e "CREATE DATABASE IF NOT EXISTS bench"
mysql_cli bench << 'SQL'
DROP PROCEDURE IF EXISTS steady;
DELIMITER //
CREATE PROCEDURE steady(IN ticks INT, IN per_tx INT)
BEGIN
  DECLARE t INT DEFAULT 0;
  DECLARE started DOUBLE;
  DECLARE lag DOUBLE;
  SET started = UNIX_TIMESTAMP(SYSDATE(6));
  WHILE t < ticks DO
    INSERT INTO events (id, account, amount, created_at)
    SELECT t * 100000 + seq, seq % 97, seq / 100, SYSDATE(6) FROM seq_1_to_100000 WHERE seq <= per_tx;
    SET t = t + 1;
    SET lag = started + t * 0.01 - UNIX_TIMESTAMP(SYSDATE(6));
    IF lag > 0 THEN DO SLEEP(lag); END IF;
  END WHILE;
END //
DELIMITER ;
SQL

cat > "$WORK/poll.mjs" << 'JS'
// Notes, every 50 ms, the log versions that appeared and the files they add: "path ms".
import fs from 'node:fs';
const [dir, out] = process.argv.slice(2);
const seen = new Set();
const log = fs.createWriteStream(out);
setInterval(() => {
  let names = [];
  try { names = fs.readdirSync(dir + '/_delta_log'); } catch { return; }
  const now = Date.now();
  for (const n of names.filter((n) => n.endsWith('.json')).sort()) {
    if (seen.has(n)) continue;
    seen.add(n);
    for (const l of fs.readFileSync(dir + '/_delta_log/' + n, 'utf8').split('\n')) {
      if (l && JSON.parse(l).add) log.write(JSON.parse(l).add.path + ' ' + now + '\n');
    }
  }
}, 50);
JS

run_once() {  # $1 = run number; prints "p50 p95 p99 max rows_per_s"
  local dir="$WORK/run-$1"
  mkdir -p "$dir"
  mysql_cli bench -e "DROP TABLE IF EXISTS events; CREATE TABLE events (id BIGINT PRIMARY KEY,
    account INT NOT NULL, amount DECIMAL(12,2) NOT NULL, created_at DATETIME(6) NOT NULL)"
  cat > "$dir/lag.pipe" << PIPE
pipeline lag {
  settings { state_dir = "$dir/state"  checkpoint_interval = $INTERVAL }
  source mysql src {
    host = env("MYSQL_HOST")  port = to_int(env("MYSQL_PORT"))  user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD")  server_id = 9101  tables = ["bench.events"]
    snapshot = never
  }
  # No compaction: a row's lag is that of the file it was first written to.
  sink delta lake from src { path = "$dir/lake/events"  optimize_files = 0 }
}
PIPE
  "$SLUICE" run "$dir/lag.pipe" --quiet > "$dir/sluice.log" 2>&1 &
  SLUICE_PID=$!
  sleep 2
  node "$WORK/poll.mjs" "$dir/lake/events" "$dir/visible.txt" &
  POLLER=$!
  # created_at in UTC: the sink takes a DATETIME's wall time as UTC.
  mysql_cli bench -e "SET time_zone = '+00:00'; CALL steady($TICKS, $PER_TX)"
  local want=$((TICKS * PER_TX)) n=0
  for _ in $(seq 1 300); do
    sleep 0.5
    n=$(node "$ROOT/tests/duckdb/query.mjs" "SELECT count(*)::VARCHAR AS n FROM read_parquet('$dir/lake/events/*.parquet')" 2>/dev/null | sed 's/.*"n":"\([0-9]*\)".*/\1/' || echo 0)
    [ "${n:-0}" -ge "$want" ] && break
  done
  sleep 0.3
  kill "$POLLER" "$SLUICE_PID" 2>/dev/null || true
  wait "$SLUICE_PID" 2>/dev/null || true
  node "$ROOT/tests/duckdb/query.mjs" "
    WITH v AS (SELECT * FROM read_csv('$dir/visible.txt', delim = ' ', columns = {'path': 'VARCHAR', 'ms': 'BIGINT'})),
    r AS (SELECT parse_filename(filename) AS path, epoch_ms(created_at::TIMESTAMP) AS c
          FROM read_parquet('$dir/lake/events/*.parquet', filename = true)),
    l AS (SELECT (v.ms - r.c) / 1000.0 AS lag, r.c FROM r JOIN v USING (path))
    SELECT concat_ws(' ', round(quantile_cont(lag, 0.5), 3), round(quantile_cont(lag, 0.95), 3),
      round(quantile_cont(lag, 0.99), 3), round(max(lag), 3),
      round(count(*) / ((max(c) - min(c)) / 1000.0)), count(*)) AS s FROM l" | sed 's/.*"s":"\([^"]*\)".*/\1/'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: > "$WORK/p95"
for i in $(seq 1 "$RUNS"); do
  r=$(run_once "$i")
  echo "run $i: lag p50/p95/p99/max s, rows/s, rows: $r (load $(cut -d' ' -f1 /proc/loadavg))"
  echo "$r" | awk '{ print $2 }' >> "$WORK/p95"
done
echo "== median p95 lag over $RUNS runs: $(median < "$WORK/p95") s"
