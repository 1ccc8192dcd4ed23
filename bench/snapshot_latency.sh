#!/usr/bin/env bash
# Source write latency during a lock-free snapshot vs without one (issue 17: p99 <= 1.5x).
# Private MariaDB and PostgreSQL (scripts/local_servers.sh, durable). A ROWS-row table; a client
# writes single-row autocommit statements (bench/write_latency_bench.cpp) for SECONDS alone, then
# for SECONDS while `sluice run` reads the table lock-free (parallelism PAR) into PostgreSQL;
# RUNS alternating pairs, medians of p50/p99, and the machine's load.
#
#   [PIN=1] [WATERMARK=auto|signal_table] [RATE=N] [ANCHOR=stream] bash bench/snapshot_latency.sh [ROWS=1500000] [SECONDS=10] [RUNS=3] [PAR=2] [METHOD=lock_free]
# PIN=1: MariaDB and the writing client on CPU 0, PostgreSQL and sluice on CPU 1 (taskset), as if
# the source database had a host of its own: what remains is the snapshot's cost to the source.
# WATERMARK=signal_table: chunks placed by watermark rows in snaplat.sluice_signal (MySQL 8's
# method) instead of the view's position. RATE=N: snapshot { rows_per_second = N }, the snapshot
# paced to spare the source. Each run also prints the snapshot's progress and rate.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${1:-1500000}
SECS=${2:-10}
RUNS=${3:-3}
PAR=${4:-2}
METHOD=${5:-lock_free}
bash scripts/build.sh release --target sluice --target write_latency_bench > /dev/null
SERVERS=$(bash scripts/local_servers.sh start)
if [ -n "${PIN:-}" ]; then  # (PostgreSQL's backends inherit the postmaster's CPU set)
  taskset -a -p -c 0 "$(cat "$SERVERS/mariadb/mysqld.pid")" > /dev/null
  taskset -a -p -c 1 "$(head -n 1 "$SERVERS/pg/data/postmaster.pid")" > /dev/null
fi
WORK=$(mktemp -d /tmp/sluice-snaplat-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS" > /dev/null; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
mysql_cli -e "CREATE DATABASE snaplat; CREATE TABLE snaplat.big (id INT PRIMARY KEY, v INT, note VARCHAR(40));
  CREATE TABLE snaplat.lat (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
  CREATE TABLE snaplat.sluice_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32), data VARCHAR(2048));
  INSERT INTO snaplat.big SELECT seq, seq, CONCAT('row ', seq) FROM snaplat.seq_1_to_$ROWS;"
cat > "$WORK/p.pipe" << PIPE
pipeline snaplat {
  settings { state_dir = "state" }
  source mysql src {
    host = env("MYSQL_HOST")  port = to_int(env("MYSQL_PORT"))  user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD")  server_id = 6711  database = "snaplat"  tables = ["big"]
    snapshot { mode = initial  method = $METHOD  parallelism = $PAR  watermark = ${WATERMARK:-auto}  rows_per_second = ${RATE:-0} }
    signal_table = "snaplat.sluice_signal"
  }
  sink postgres ods from src { url = env("ODS_URL")  table = "ods." + @table  mode = upsert }
}
PIPE
# ANCHOR=stream: the runs "without a snapshot" have the same pipeline streaming (snapshot =
# never) while the writer writes, so both sides carry the binlog dump and the sink's work and
# what differs is the snapshot alone.
sed -e 's/snapshot { mode = initial /snapshot { mode = never /' -e 's/state_dir = "state"/state_dir = "state-stream"/' \
  "$WORK/p.pipe" > "$WORK/s.pipe"
lat() { ${PIN:+taskset -c 0} build/bench/write_latency_bench 127.0.0.1 "$MYSQL_PORT" sluice sluice-pw snaplat snaplat.big "$ROWS" "$SECS"; }
echo "== machine: $(nproc) cores${PIN:+ (pinned: MariaDB + writer on CPU 0, PostgreSQL + sluice on CPU 1)}, load average $(cut -d' ' -f1-3 /proc/loadavg); $ROWS rows, method $METHOD, parallelism $PAR, watermark ${WATERMARK:-auto}, rows_per_second ${RATE:-0}"
alone=(); during=()
for run in $(seq 1 "$RUNS"); do
  if [ "${ANCHOR:-}" = stream ]; then
    rm -rf "$WORK/state-stream"
    (cd "$WORK" && exec ${PIN:+taskset -c 1} "$ROOT/build/sluice" run s.pipe > stream.log 2>&1) &
    spid=$!
    sleep 1
  fi
  a=$(lat); echo "   run $run without a snapshot${ANCHOR:+ (streaming)}: $a"; alone+=("$a")
  if [ "${ANCHOR:-}" = stream ]; then kill -INT "$spid"; wait "$spid" || true; fi
  psql_cli -q -c "DROP SCHEMA IF EXISTS ods CASCADE; DROP TABLE IF EXISTS public.sluice_checkpoints" > /dev/null 2>&1
  rm -rf "$WORK/state"
  (cd "$WORK" && exec ${PIN:+taskset -c 1} "$ROOT/build/sluice" run p.pipe > sluice.log 2>&1) &
  pid=$!
  sleep 1
  d=$(lat)
  echo "   run $run during the snapshot: $d ($(grep -o 'snapshot [0-9]*/[0-9]* rows ([0-9]*%), [0-9]* rows/s' "$WORK/sluice.log" | tail -n 1) at its end)"
  during+=("$d")
  kill -INT "$pid"; wait "$pid" || true
done
python3 - "${alone[@]}" -- "${during[@]}" << 'PY'
import statistics, sys
args = sys.argv[1:]; cut = args.index("--")
def col(lines, i): return statistics.median(float(l.split()[i]) for l in lines)
a, d = args[:cut], args[cut + 1:]
ratios = [float(y.split()[5]) / float(x.split()[5]) for x, y in zip(a, d)]
print(f"== median p50 {col(a, 3):.3f} -> {col(d, 3):.3f} ms, p99 {col(a, 5):.3f} -> {col(d, 5):.3f} ms "
      f"(x{col(d, 5) / col(a, 5):.2f}), writes {col(a, 1):.0f} -> {col(d, 1):.0f}")
print("== p99 ratio per run " + " ".join(f"x{r:.2f}" for r in ratios) +
      f", median x{statistics.median(ratios):.2f}")
PY
