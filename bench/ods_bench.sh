#!/usr/bin/env bash
# MySQL -> PostgreSQL ODS benchmark (issue 4). Release build, private servers
# (scripts/local_servers.sh), PostgreSQL durable (fsync on, synchronous_commit on).
#
#   [CONNECTIONS=N] [SNAPSHOT_RUNS=3] [METHOD=lock_free|consistent] [PARALLELISM=N]
#     bash bench/ods_bench.sh [SF] [STREAM_CHANGES] [LATENCY_SECONDS]
#
# SNAPSHOT_RUNS: (a) runs sluice and pgloader this many times, alternating, and prints medians.
# CONNECTIONS: the postgres sink's `connections` option (default 1).
# METHOD, PARALLELISM: the mysql source's `snapshot { method  parallelism }` (lock_free, 1).
# SF: scale factor of pipelines/sql/bank_data.sql (300,000 rows per unit; default 10 = 3M rows).
# (a) snapshot MariaDB -> PostgreSQL: sluice (snapshot = only) vs pgloader on the same data
# (b) streaming: STREAM_CHANGES mixed changes (50 % updates, 30 % inserts, 20 % deletes) are
#     written while sluice is stopped, then sluice drains the backlog: changes/s sustained
# (c) latency: a steady 10,000 changes/s (every 100 ms one transaction: 500 inserts, 300
#     updates, 200 deletes) for LATENCY_SECONDS; p50/p99 from the source insert time
#     (SYSDATE(6)) to the ODS insert time (a clock_timestamp() column default in PostgreSQL)
# (d) peak RSS of each sluice run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SF=${1:-10}
CHANGES=${2:-500000}
LAT_SECONDS=${3:-30}
CONNECTIONS=${CONNECTIONS:-1}
METHOD=${METHOD:-lock_free}
PARALLELISM=${PARALLELISM:-1}
SNAPSHOT_RUNS=${SNAPSHOT_RUNS:-3}

bash scripts/install-deps.sh
if ! command -v pgloader > /dev/null; then  # the comparison only: not a dependency of sluice
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends pgloader > /dev/null
fi
echo "== building sluice (release)"
bash scripts/build.sh release --target sluice > /dev/null
SLUICE="$ROOT/build/sluice"

SERVERS=$(bash scripts/local_servers.sh start)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
WORK=$(mktemp -d /tmp/sluice-odsbench-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS"; rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
rate() { python3 -c "print(f'{$1 / ($3 - $2):,.0f}')"; }
# Runs a command, prints its peak RSS in MB on fd 3.
peak_rss() {
  python3 - "$@" 3>&3 << 'EOF'
import resource, subprocess, sys, os
rc = subprocess.call(sys.argv[1:])
os.write(3, f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}\n".encode())
sys.exit(rc)
EOF
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared with other builds)"
echo "== loading bank data, scale factor $SF"
t0=$(now)
mysql_cli -e "SOURCE pipelines/sql/bank_schema.sql; SET @sf = $SF; SOURCE pipelines/sql/bank_data.sql;"
t1=$(now)
ROWS=$(mysql_cli -N -B -e "SELECT (SELECT COUNT(*) FROM bank.customers) + (SELECT COUNT(*) FROM bank.accounts) +
  (SELECT COUNT(*) FROM bank.transactions) + (SELECT COUNT(*) FROM bank.agreements)")
echo "   $ROWS rows loaded in $(elapsed "$t0" "$t1") s"
# After a bulk load InnoDB flushes dirty pages and merges secondary-index changes in the
# background for a while; whichever tool runs first would share the CPU with that. Wait until
# the buffer pool is clean (at most 120 s), then go on with the server's own settings.
mysql_cli -e "SET GLOBAL innodb_max_dirty_pages_pct = 0, GLOBAL innodb_max_dirty_pages_pct_lwm = 0"
for _ in $(seq 1 240); do
  dirty=$(mysql_cli -N -B -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | awk '{print $2}')
  [ "${dirty:-1}" -eq 0 ] && break
  sleep 0.5
done
mysql_cli -e "SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT, GLOBAL innodb_max_dirty_pages_pct_lwm = DEFAULT"
echo "   MariaDB settled: $(mysql_cli -N -B -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | awk '{print $2}') dirty pages"

# ---- (a) snapshot ----
cat > "$WORK/snapshot.pipe" << 'EOF'
pipeline ods_bench {
  settings { state_dir = "state" }
  source mysql bank {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6601 database = "bank"
    tables = ["customers", "accounts", "transactions", "agreements"]
    snapshot { mode = initial  method = __METHOD__  parallelism = __PARALLELISM__ }
    chunk_rows = 20000
  }
  sink postgres ods from bank {
    url = env("ODS_URL")  table = "ods." + @table  mode = upsert
    create_tables = true  metadata_columns = true  connections = __CONNECTIONS__
    batch { rows = 20000  delay = 200ms }
    retry { attempts = 10  backoff = exponential(100ms, 5s) }
  }
}
EOF
sed -i "s/__CONNECTIONS__/$CONNECTIONS/; s/__METHOD__/$METHOD/; s/__PARALLELISM__/$PARALLELISM/" "$WORK/snapshot.pipe"
# pgloader's defaults, except that it cannot translate MariaDB's `current_timestamp(6)`
# column default: the TIMESTAMP defaults are dropped.
cat > "$WORK/pgloader.load" << EOF
LOAD DATABASE
  FROM mysql://sluice:sluice-pw@127.0.0.1:$MYSQL_PORT/bank
  INTO postgresql://postgres@127.0.0.1:$PG_PORT/pgl
CAST type timestamp to timestamptz drop default using zero-dates-to-null;
EOF
pg_admin() { "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):,.0f}')" "$@"; }
echo "== (a) snapshot, $SNAPSHOT_RUNS runs each, alternating: sluice (method = $METHOD, parallelism = $PARALLELISM, connections = $CONNECTIONS) and pgloader $(pgloader --version 2> /dev/null | head -n 1 | awk '{print $NF}')"
s_rates=(); p_rates=(); ratios=()
for run in $(seq 1 "$SNAPSHOT_RUNS"); do
  # a fresh target and state for each sluice run (the last one stays for (b) and (c))
  psql_cli -q -c "DROP SCHEMA IF EXISTS ods CASCADE; DROP TABLE IF EXISTS public.sluice_checkpoints" > /dev/null 2>&1
  rm -rf "$WORK/state"
  # each tool starts with the server's dirty pages written (the previous run's checkpoint
  # I/O does not land in the next one)
  pg_admin -c "CHECKPOINT" > /dev/null
  cd "$WORK"
  t0=$(now)
  rss_a=$( { peak_rss "$SLUICE" run snapshot.pipe --exit-when-idle 2s > sluice_a.log 2>&1; } 3>&1)
  t1=$(now)
  cd "$ROOT"
  n=$(psql_cli -At -c "SELECT (SELECT count(*) FROM ods.customers) + (SELECT count(*) FROM ods.accounts) +
    (SELECT count(*) FROM ods.transactions) + (SELECT count(*) FROM ods.agreements)")
  # --exit-when-idle waits 2 s after the last row: not part of the copy.
  t1=$(python3 -c "print($t1 - 2)")
  s_rate=$(python3 -c "print($n / ($t1 - $t0))")
  echo "   run $run sluice  : $n rows in $(elapsed "$t0" "$t1") s = $(rate "$n" "$t0" "$t1") rows/s, peak RSS ${rss_a} MB"

  pg_admin -c "DROP DATABASE IF EXISTS pgl" > /dev/null 2>&1
  pg_admin -c "CREATE DATABASE pgl" > /dev/null
  pg_admin -c "CHECKPOINT" > /dev/null
  t0=$(now)
  pgloader "$WORK/pgloader.load" > "$WORK/pgloader.log" 2>&1 \
    || { echo "pgloader failed:"; tail -n 20 "$WORK/pgloader.log"; }
  t1=$(now)
  m=$("$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d pgl -c \
    "SELECT (SELECT count(*) FROM bank.customers) + (SELECT count(*) FROM bank.accounts) +
     (SELECT count(*) FROM bank.transactions) + (SELECT count(*) FROM bank.agreements)" 2> /dev/null || echo 0)
  p_rate=$(python3 -c "print(${m:-0} / ($t1 - $t0))")
  echo "   run $run pgloader: $m rows in $(elapsed "$t0" "$t1") s = $(rate "${m:-0}" "$t0" "$t1") rows/s (it also builds the 3 secondary indexes)"
  s_rates+=("$s_rate"); p_rates+=("$p_rate")
  ratios+=("$(python3 -c "print($s_rate / max($p_rate, 1e-9) * 100)")")
done
echo "   median: sluice $(median "${s_rates[@]}") rows/s, pgloader $(median "${p_rates[@]}") rows/s, sluice/pgloader per run (median) $(python3 -c "import statistics, sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]) / 100:.2f}x')" "${ratios[@]}")"

# ---- (b) streaming backlog ----
echo "== (b) streaming: $CHANGES mixed changes written while sluice is stopped, then drained"
NT=$(mysql_cli -N -B -e "SELECT MAX(id) FROM bank.transactions")
ups=$((CHANGES / 2)); ins=$((CHANGES * 3 / 10)); dels=$((CHANGES - ups - ins))
# in statements of 1,000 rows (one transaction each)
mysql_cli bank << EOF
SET time_zone = '+00:00';
DELIMITER //
CREATE PROCEDURE backlog(IN ups INT, IN ins INT, IN dels INT, IN base BIGINT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < ins DO
    INSERT INTO transactions (id, account_id, amount, currency, kind, status, booked_at, value_date, created_at)
    SELECT base + i + seq, 1 + seq % 1000, seq / 100, 'EUR', 'deposit', 'pending', SYSDATE(6), CURDATE(), SYSDATE(6)
    FROM seq_1_to_1000;
    SET i = i + 1000;
  END WHILE;
  SET i = 0;
  WHILE i < ups DO
    UPDATE transactions SET amount = amount + 0.01, status = 'booked' WHERE id > i AND id <= i + 1000;
    SET i = i + 1000;
  END WHILE;
  SET i = 0;
  WHILE i < dels DO
    DELETE FROM transactions WHERE id > 1000000000 + i AND id <= 1000000000 + i + 1000;
    SET i = i + 1000;
  END WHILE;
END //
DELIMITER ;
EOF
cat > "$WORK/stream.pipe" << 'EOF'
pipeline ods_bench {
  settings { state_dir = "state" }
  source mysql bank {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6601 database = "bank"
    tables = ["customers", "accounts", "transactions", "agreements"]
    snapshot { mode = initial  method = __METHOD__  parallelism = __PARALLELISM__ }
    chunk_rows = 20000
  }
  sink postgres ods from bank {
    url = env("ODS_URL")  table = "ods." + @table  mode = upsert
    create_tables = true  metadata_columns = true  connections = __CONNECTIONS__
    batch { rows = 20000  delay = 100ms }
    retry { attempts = 10  backoff = exponential(100ms, 5s) }
  }
}
EOF
sed -i "s/__CONNECTIONS__/$CONNECTIONS/; s/__METHOD__/$METHOD/; s/__PARALLELISM__/$PARALLELISM/" "$WORK/stream.pipe"
t0=$(now)
mysql_cli bank -e "CALL backlog($ups, $ins, $dels, 1000000000); INSERT INTO customers (id, full_name, segment, created_at) VALUES (-1, 'marker', 'retail', NOW());"
t1=$(now)
echo "   MariaDB wrote them in $(elapsed "$t0" "$t1") s"
cd "$WORK"
"$SLUICE" run stream.pipe > sluice_b.log 2>&1 &
PID=$!
cd "$ROOT"
t0=$(now)
until [ "$(psql_cli -At -c 'SELECT count(*) FROM ods.customers WHERE id = -1' 2> /dev/null)" = 1 ]; do
  sleep 0.05
  kill -0 $PID 2> /dev/null || { echo "sluice died"; tail "$WORK/sluice_b.log"; exit 1; }
done
t1=$(now)
rss_b=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' /proc/$PID/status)
echo "   sluice drained $CHANGES changes in $(elapsed "$t0" "$t1") s = $(rate "$CHANGES" "$t0" "$t1") changes/s, peak RSS ${rss_b} MB"

# ---- (c) latency at a steady 10,000 changes/s ----
echo "== (c) latency at 10,000 changes/s for $LAT_SECONDS s (sluice keeps running)"
psql_cli -c "ALTER TABLE ods.transactions ADD COLUMN IF NOT EXISTS ods_at timestamptz DEFAULT clock_timestamp()" > /dev/null
mysql_cli bank << 'EOF'
DELIMITER //
CREATE PROCEDURE steady(IN ticks INT, IN base BIGINT)
BEGIN
  DECLARE t INT DEFAULT 0;
  DECLARE started DOUBLE;
  DECLARE lag DOUBLE;
  SET started = UNIX_TIMESTAMP(SYSDATE(6));
  WHILE t < ticks DO
    START TRANSACTION;
    INSERT INTO transactions (id, account_id, amount, currency, kind, status, booked_at, value_date, created_at)
    SELECT base + t * 1000 + seq, 1 + seq % 1000, seq / 100, 'EUR', 'deposit', 'pending', SYSDATE(6), CURDATE(), SYSDATE(6)
    FROM seq_1_to_500;
    UPDATE transactions SET amount = amount + 0.01 WHERE id > t * 300 AND id <= t * 300 + 300;
    DELETE FROM transactions WHERE id > base + (t - 2) * 1000 + 300 AND id <= base + (t - 2) * 1000 + 500;
    COMMIT;
    SET t = t + 1;
    SET lag = started + t * 0.1 - UNIX_TIMESTAMP(SYSDATE(6));
    IF lag > 0 THEN DO SLEEP(lag); END IF;
  END WHILE;
END //
DELIMITER ;
EOF
ticks=$((LAT_SECONDS * 10))
t0=$(now)
mysql_cli bank -e "SET time_zone = '+00:00'; CALL steady($ticks, 2000000000); INSERT INTO customers (id, full_name, segment, created_at) VALUES (-2, 'marker', 'retail', NOW());"
t1=$(now)
achieved=$(python3 -c "print(f'{$ticks * 1000 / ($t1 - $t0):,.0f}')")
until [ "$(psql_cli -At -c 'SELECT count(*) FROM ods.customers WHERE id = -2' 2> /dev/null)" = 1 ]; do sleep 0.05; done
psql_cli -At -F ' ' -c "SET TimeZone = 'UTC';
  SELECT count(*),
         round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ods_at - created_at))::numeric, 1),
         round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM ods_at - created_at))::numeric, 1),
         round(1000 * max(extract(epoch FROM ods_at - created_at))::numeric, 1)
    FROM ods.transactions WHERE id > 2000000000" | {
  read -r cnt p50 p99 mx
  echo "   source rate achieved: $achieved changes/s; $cnt inserted rows still present measured"
  echo "   latency source insert -> ODS insert: p50 ${p50} ms, p99 ${p99} ms, max ${mx} ms"
}
rss_c=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' /proc/$PID/status)
kill -TERM $PID
wait $PID || true
echo "== (d) peak RSS: snapshot run ${rss_a} MB, streaming + latency run ${rss_c} MB"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
