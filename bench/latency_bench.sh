#!/usr/bin/env bash
# Commit -> ODS latency under a steady write load (issue 19, point 2): adaptive batching
# (`batch { adaptive = true }`, the default: flush as soon as the sink's input has caught up)
# against waiting for `rows`/`delay` (`adaptive = false`), alternating runs in one invocation.
#
#   [SLUICE=build/sluice] bash bench/latency_bench.sh [rate_per_s=5000] [seconds=20] [runs=3]
#
# Private MariaDB and PostgreSQL (scripts/local_servers.sh; PostgreSQL durable: fsync on).
# Each run: a fresh table pair, `sluice run` of bench.events -> ods.events (upsert, batch rows
# 20000, delay 100ms), a writer committing every 10 ms (rate/100 inserts per transaction) for
# `seconds`; latency = ODS insert time (clock_timestamp() default) - source insert time
# (SYSDATE(6)), p50/p99/max over every row. Medians over runs per mode; the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RATE=${1:-5000}
SECONDS_RUN=${2:-20}
RUNS=${3:-3}
SLUICE=${SLUICE:-$ROOT/build/sluice}
[ -x "$SLUICE" ] || { echo "build sluice first: bash scripts/build.sh release" >&2; exit 1; }

SERVERS=$(bash scripts/local_servers.sh start)
WORK=$(mktemp -d /tmp/sluice-latbench-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS" > /dev/null; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
PER_TX=$((RATE / 100))
TICKS=$((SECONDS_RUN * 100))

mysql_cli -e "CREATE DATABASE IF NOT EXISTS bench"
mysql_cli bench << 'EOF'
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
EOF

run_once() {  # $1 = true|false ; prints "p50 p99 max"
  local adaptive=$1 dir="$WORK/run-$1-$2"
  mkdir -p "$dir"
  mysql_cli bench -e "DROP TABLE IF EXISTS events; CREATE TABLE events (id BIGINT PRIMARY KEY,
    account INT NOT NULL, amount DECIMAL(12,2) NOT NULL, created_at DATETIME(6) NOT NULL)"
  psql_cli -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS ods CASCADE; CREATE SCHEMA ods;
    CREATE TABLE ods.events (id BIGINT PRIMARY KEY, account INT NOT NULL, amount NUMERIC(12,2) NOT NULL,
    created_at TIMESTAMP NOT NULL, ods_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'UTC'));
    DROP TABLE IF EXISTS public.sluice_checkpoints" > /dev/null
  cat > "$dir/lat.pipe" << EOF
pipeline lat {
  settings { state_dir = "$dir/state" }
  source mysql src {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6602 tables = ["bench.events"]
    snapshot = never
  }
  sink postgres ods from src {
    url = env("ODS_URL")  table = "ods.events"  mode = upsert
    batch { rows = 20000  delay = 100ms  adaptive = $adaptive }
  }
}
EOF
  "$SLUICE" run "$dir/lat.pipe" --quiet > "$dir/sluice.log" 2>&1 &
  local pid=$!
  sleep 2
  mysql_cli bench -e "SET time_zone = '+00:00'; CALL steady($TICKS, $PER_TX); INSERT INTO events VALUES (-1, 0, 0, SYSDATE(6))"
  until [ "$(psql_cli -At -c 'SELECT count(*) FROM ods.events WHERE id = -1')" = 1 ]; do
    sleep 0.05
    kill -0 $pid 2> /dev/null || { echo "sluice died" >&2; tail "$dir/sluice.log" >&2; exit 1; }
  done
  kill -TERM $pid; wait $pid || true
  psql_cli -At -F ' ' -c "SELECT
      round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ods_at - created_at))::numeric, 1),
      round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM ods_at - created_at))::numeric, 1),
      round(1000 * max(extract(epoch FROM ods_at - created_at))::numeric, 1)
    FROM ods.events WHERE id > 0"
}

echo "== commit -> ODS latency at $RATE inserts/s (one transaction every 10 ms) for $SECONDS_RUN s, $RUNS runs per mode"
declare -A P50 P99
for run in $(seq 1 "$RUNS"); do
  for mode in false true; do
    read -r p50 p99 mx < <(run_once "$mode" "$run")
    echo "   run $run adaptive=$mode: p50 $p50 ms, p99 $p99 ms, max $mx ms (load $(cut -d' ' -f1 /proc/loadavg))"
    P50[$mode]="${P50[$mode]:-} $p50"
    P99[$mode]="${P99[$mode]:-} $p99"
  done
done
median() { python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
for mode in false true; do
  # shellcheck disable=SC2086
  echo "== adaptive=$mode: median p50 $(median ${P50[$mode]}) ms, median p99 $(median ${P99[$mode]}) ms"
done
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
