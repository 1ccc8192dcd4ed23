#!/usr/bin/env bash
# MySQL source through the whole engine (issue 3): the release `sluice` binary, `sink null`.
#
#   bash bench/mysql_pipeline_bench.sh [SF] [RUNS] [UPDATES]
#
# SF: scale factor of pipelines/sql/bank_data.sql (300,000 rows per unit; default 10 = 3M rows
# in customers, accounts, transactions, agreements). RUNS: runs per measurement (default 5,
# medians printed). UPDATES: rows changed by one burst of UPDATEs after the load (default
# 1,000,000; 0 = none), so the binlog holds SF x 300,000 WRITE_ROWS + UPDATES UPDATE_ROWS events.
# SLUICE=path/to/sluice uses that binary (default: `scripts/build.sh release --target sluice`).
#
# Starts its own MariaDB (temporary datadir under /tmp, loopback, a free port, binlog ROW, FULL
# row image and metadata; the same server options as scripts/local_servers.sh, no PostgreSQL),
# loads the data, then measures, RUNS times each:
# (a) snapshot: `sluice run` of `source mysql { tables = ["bank.*"] snapshot = only } -> null`
# (b) binlog:   `snapshot = never  start = earliest` -> null, `--exit-when-idle 2s`, the 2 s
#               idle wait subtracted from the wall time; also by the engine's clock (log time
#               stamps: pipeline start to last activity), as stopping the binlog reader waits for
#               the next server heartbeat (up to `heartbeat` = 1 s) after the idle wait
# (c) `mariadb-binlog --read-from-remote-server --verbose --to-last-log` on the same binlog files
# Every figure is checked: the null sink's `in` count of the run summary must equal the rows
# loaded (a) or the row events written (b), and the `### INSERT/UPDATE/DELETE` lines of one
# extra mariadb-binlog run must equal the row events (c). Wall time includes process start,
# connection and (a) the consistent-snapshot setup. Peak RSS and CPU seconds from
# /usr/bin/time -v; the 1-minute load average is printed with every run (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SF=${1:-10}
RUNS=${2:-5}
UPDATES=${3:-1000000}
IDLE=2

if [ -z "${SLUICE:-}" ]; then
  echo "== building sluice (release)"
  bash scripts/build.sh release --target sluice > /dev/null
  SLUICE="$ROOT/build/sluice"
fi
SLUICE=$(readlink -f "$SLUICE")
[ -x "$SLUICE" ] || { echo "no sluice binary at $SLUICE" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
MARIADB_BINLOG=$(command -v mariadb-binlog || command -v mysqlbinlog)

# ---- private MariaDB ----
WORK=$(mktemp -d /tmp/sluice-mysqlbench-XXXXXX)
chmod 755 "$WORK"
MDATA="$WORK/data"
MSOCK="$WORK/mysqld.sock"
MPID="$WORK/mysqld.pid"
cleanup() {
  if [ -f "$MPID" ]; then
    local pid
    pid=$(cat "$MPID")
    kill "$pid" 2> /dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2> /dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
MUSER=()
[ "$(id -u)" -eq 0 ] && MUSER=(--user=root)
mariadb-install-db --no-defaults "${MUSER[@]}" --datadir="$MDATA" \
  --auth-root-authentication-method=normal --skip-test-db > "$WORK/install.log" 2>&1 \
  || { echo "mariadb-install-db failed:"; tail "$WORK/install.log"; exit 1; }
MARIADBD=/usr/sbin/mariadbd
[ -x "$MARIADBD" ] || MARIADBD=$(command -v mariadbd || command -v mysqld)
# A 1 GB buffer pool holds the whole SF 10 data set: snapshots read memory, not the disk.
setsid "$MARIADBD" --no-defaults "${MUSER[@]}" --datadir="$MDATA" --socket="$MSOCK" \
  --port="$PORT" --bind-address=127.0.0.1 --log-bin="$MDATA/mysql-bin" --server-id=1 \
  --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL \
  --log-error="$WORK/error.log" --pid-file="$MPID" \
  --innodb-buffer-pool-size=1G --innodb-log-file-size=512M \
  --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
  --max-allowed-packet=64M > /dev/null 2>&1 < /dev/null &
mysql_cli() { env -u MYSQL_HOST mariadb --no-defaults -uroot -S "$MSOCK" "$@"; }
for i in $(seq 1 600); do
  mysql_cli -e 'SELECT 1' > /dev/null 2>&1 && break
  [ "$i" -eq 600 ] && { echo "MariaDB did not start:"; tail "$WORK/error.log"; exit 1; }
  sleep 0.1
done
mysql_cli -e "CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice-pw';
  GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'%';"
export MYSQL_HOST=127.0.0.1 MYSQL_PORT=$PORT MYSQL_USER=sluice MYSQL_PASSWORD=sluice-pw

now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fmt() { python3 -c "print(f'{float($1):,.0f}')"; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared)"
echo "== $("$MARIADBD" --version | sed 's/ *$//'); sluice: $SLUICE"
echo "== loading bank data, scale factor $SF"
t0=$(now)
mysql_cli -e "SOURCE pipelines/sql/bank_schema.sql; SET @sf = $SF; SOURCE pipelines/sql/bank_data.sql;"
t1=$(now)
ROWS=$(mysql_cli -N -B -e "SELECT (SELECT COUNT(*) FROM bank.customers) + (SELECT COUNT(*) FROM bank.accounts) +
  (SELECT COUNT(*) FROM bank.transactions) + (SELECT COUNT(*) FROM bank.agreements)")
echo "   $ROWS rows loaded in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
UPDATED=0
if [ "$UPDATES" -gt 0 ]; then
  t0=$(now)
  # one statement; every row really changes (a no-op update writes no row event)
  UPDATED=$(mysql_cli -N -B bank -e "UPDATE transactions SET amount = amount + 0.01,
      status = IF(status = 'booked', 'pending', 'booked') WHERE id <= $UPDATES; SELECT ROW_COUNT();")
  t1=$(now)
  echo "   $UPDATED rows updated in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
fi
EVENTS=$((ROWS + UPDATED))
mysql_cli -e "FLUSH BINARY LOGS"  # the measured binlog files are complete and closed
FIRST=$(mysql_cli -N -B -e "SHOW BINARY LOGS" | head -n 1 | cut -f1)
echo "   binlog: $(mysql_cli -N -B -e "SHOW BINARY LOGS" | awk '{n++; s+=$2} END {printf "%d files, %.0f MB", n, s/1048576}'), $EVENTS row events ($ROWS WRITE_ROWS + $UPDATED UPDATE_ROWS)"

cat > "$WORK/snapshot.pipe" << 'EOF'
pipeline mysql_bench {
  source mysql bank {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6701
    tables = ["bank.*"]  snapshot = only  chunk_rows = 20000
  }
  sink null out from bank {}
}
EOF
# `start = "earliest"` quoted: `sluice check` rejects the bare identifier docs/mysql.md shows.
cat > "$WORK/binlog.pipe" << 'EOF'
pipeline mysql_bench {
  source mysql bank {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6702
    tables = ["bank.*"]  snapshot = never  start = "earliest"
  }
  sink null out from bank {}
}
EOF
sed 's/start = "earliest"/start = "latest"/' "$WORK/binlog.pipe" > "$WORK/empty.pipe"

TCK=$(getconf CLK_TCK)
server_cpu() {  # CPU seconds (user + system) mariadbd has used so far
  awk -v t="$TCK" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t}' "/proc/$(cat "$MPID")/stat"
}
# run_timed NAME CMD...: runs CMD under /usr/bin/time -v (stdout+stderr to $WORK/NAME.log);
# sets WALL (s), RSS (MB), CPU (user + system s), SCPU (mariadbd CPU s meanwhile).
run_timed() {
  local name=$1
  shift
  local a b s0
  s0=$(server_cpu)
  a=$(now)
  /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.log" 2>&1 || {
    echo "   FAILED: $*"; tail -n 20 "$WORK/$name.log"; exit 1; }
  b=$(now)
  WALL=$(python3 -c "print($b - $a)")
  SCPU=$(python3 -c "print(f'{$(server_cpu) - $s0:.2f}')")
  RSS=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/$name.time")
  CPU=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/$name.time")
}
# sluice_run NAME PIPE [args]: a `sluice run` with a fresh state dir; sets IN (row events the null
# sink wrote, its `out` in the run summary: its `in` also counts the schema statements it drops).
sluice_run() {
  local name=$1 pipe=$2
  shift 2
  rm -rf "$WORK/state"
  run_timed "$name" "$SLUICE" run "$WORK/$pipe" --state-dir "$WORK/state" "$@"
  IN=$(awk '$1 == "mysql_bench" && $2 == "out" {print $4}' "$WORK/$name.log")
  [ -n "$IN" ] || { echo "   no run summary in $WORK/$name.log:"; tail -n 20 "$WORK/$name.log"; exit 1; }
}
# engine_active LOG: seconds from "[engine] mysql_bench: starting" to the last activity.
engine_active() {
  python3 - "$1" "$IDLE" << 'PY'
import sys, datetime
start = idle = None
for line in open(sys.argv[1], errors="replace"):
    ts = line[:24]
    if start is None and "[engine] mysql_bench: starting" in line: start = ts
    if idle is None and "[engine] idle: stopping" in line: idle = ts
t = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
print(t(idle) - float(sys.argv[2]) - t(start))
PY
}

declare -a SNAP BIN BIN_ACTIVE TOOL SNAP_RSS BIN_RSS TOOL_RSS LOADS

# ---- (a) snapshot ----
echo "== (a) snapshot: sluice run, source mysql snapshot = only -> null ($RUNS runs)"
for r in $(seq 1 "$RUNS"); do
  l=$(load1)
  t0=$(now)
  sluice_run "snap$r" snapshot.pipe
  t1=$(now)
  secs=$(python3 -c "print($t1 - $t0)")
  [ "$IN" = "$ROWS" ] || { echo "   COUNT MISMATCH: the null sink got $IN rows, $ROWS loaded"; exit 1; }
  rate=$(python3 -c "print($ROWS / $secs)")
  SNAP+=("$rate"); SNAP_RSS+=("$RSS"); LOADS+=("$l")
  printf '   run %d: %s rows in %.2f s = %s rows/s, %s CPU s (%s rows per CPU s), peak RSS %s MB, mariadbd %s CPU s, load %s\n' \
    "$r" "$IN" "$secs" "$(fmt "$rate")" "$CPU" "$(fmt "$ROWS / max($CPU, 0.01)")" "$RSS" "$SCPU" "$l"
done

# ---- (b) binlog ----
echo "== (b) binlog: sluice run, source mysql snapshot = never start = earliest -> null, --exit-when-idle ${IDLE}s ($RUNS runs)"
l=$(load1)
t0=$(now)
sluice_run empty empty.pipe --exit-when-idle "${IDLE}s"
t1=$(now)
printf '   fixed cost (start = latest, nothing to read): %.2f s wall incl. the %d s idle wait, %s events, load %s\n' \
  "$(python3 -c "print($t1 - $t0)")" "$IDLE" "$IN" "$l"
for r in $(seq 1 "$RUNS"); do
  l=$(load1)
  t0=$(now)
  sluice_run "bin$r" binlog.pipe --exit-when-idle "${IDLE}s"
  t1=$(now)
  secs=$(python3 -c "print($t1 - $t0 - $IDLE)")
  [ "$IN" = "$EVENTS" ] || { echo "   COUNT MISMATCH: the null sink got $IN row events, $EVENTS written"; exit 1; }
  rate=$(python3 -c "print($EVENTS / $secs)")
  # The engine's own clock: from "pipeline starting" to the last activity (the first
  # "idle: stopping" minus the idle wait); leaves out the process start and the shutdown.
  active=$(engine_active "$WORK/bin$r.log")
  arate=$(python3 -c "print($EVENTS / $active)")
  BIN+=("$rate"); BIN_ACTIVE+=("$arate"); BIN_RSS+=("$RSS"); LOADS+=("$l")
  printf '   run %d: %s row events in %.2f s (wall - %d s idle) = %s events/s; engine clock %.2f s = %s events/s; %s CPU s (%s events per CPU s), peak RSS %s MB, mariadbd %s CPU s, load %s\n' \
    "$r" "$IN" "$secs" "$IDLE" "$(fmt "$rate")" "$active" "$(fmt "$arate")" "$CPU" "$(fmt "$EVENTS / max($CPU, 0.01)")" "$RSS" "$SCPU" "$l"
done

# ---- (c) mariadb-binlog ----
echo "== (c) $("$MARIADB_BINLOG" --version | sed 's/ *$//')"
echo "   --read-from-remote-server --verbose --to-last-log $FIRST --result-file=/dev/null ($RUNS runs)"
TOOL_CMD=("$MARIADB_BINLOG" --no-defaults --read-from-remote-server --host=127.0.0.1 --port="$PORT"
  --user=sluice --password=sluice-pw --verbose --to-last-log "$FIRST")
n=$("${TOOL_CMD[@]}" | grep -c -E '^### (INSERT|UPDATE|DELETE)')
[ "$n" = "$EVENTS" ] || { echo "   COUNT MISMATCH: mariadb-binlog printed $n row events, $EVENTS written"; exit 1; }
echo "   check: it prints $n row events"
for r in $(seq 1 "$RUNS"); do
  l=$(load1)
  t0=$(now)
  run_timed "tool$r" "${TOOL_CMD[@]}" --result-file=/dev/null
  t1=$(now)
  secs=$(python3 -c "print($t1 - $t0)")
  rate=$(python3 -c "print($EVENTS / $secs)")
  TOOL+=("$rate"); TOOL_RSS+=("$RSS"); LOADS+=("$l")
  printf '   run %d: %s row events in %.2f s = %s events/s, %s CPU s, peak RSS %s MB, mariadbd %s CPU s, load %s\n' \
    "$r" "$EVENTS" "$secs" "$(fmt "$rate")" "$CPU" "$RSS" "$SCPU" "$l"
done

echo "== summary (SF $SF: $ROWS rows, $EVENTS binlog row events; medians of $RUNS runs; load average $(median "${LOADS[@]}") median, $(printf '%s\n' "${LOADS[@]}" | sort -g | head -n 1)-$(printf '%s\n' "${LOADS[@]}" | sort -g | tail -n 1) range)"
printf '   %-44s %14s %12s\n' "" "median /s" "peak RSS MB"
printf '   %-44s %14s %12s\n' "snapshot -> null (goal 500,000 rows/s)" "$(fmt "$(median "${SNAP[@]}")")" "$(median "${SNAP_RSS[@]}")"
printf '   %-44s %14s %12s\n' "binlog -> null (goal 1,000,000 events/s)" "$(fmt "$(median "${BIN[@]}")")" "$(median "${BIN_RSS[@]}")"
printf '   %-44s %14s %12s\n' "  same, engine clock (no start/shutdown)" "$(fmt "$(median "${BIN_ACTIVE[@]}")")" ""
printf '   %-44s %14s %12s\n' "mariadb-binlog --verbose (same binlog)" "$(fmt "$(median "${TOOL[@]}")")" "$(median "${TOOL_RSS[@]}")"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
