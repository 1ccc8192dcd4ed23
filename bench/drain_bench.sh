#!/usr/bin/env bash
# Backlog drain into a PostgreSQL upsert table (issue 19's first figure), with the sink's
# `batch.pipelined` on and off in alternating runs from the same starting point.
#
#   [SLUICE=build/sluice] [RUNS=3] [CONNECTIONS=1] [ROWS_PER_BATCH=20000] [ANCHOR_MERGE=1]
#     bash bench/drain_bench.sh [ROWS=1000000] [INSERTS=500000]
#
# Private MariaDB and PostgreSQL (scripts/local_servers.sh; PostgreSQL durable: fsync and
# synchronous_commit on). One table with the ODS's usual column types, ROWS rows read into
# `ods.txn` by a snapshot run; then, with sluice stopped, a backlog: every row updated, 20 % of
# the rows deleted and INSERTS rows inserted (1,000 rows per transaction; ROWS = 1,000,000
# gives the issue's 1,700,000 changes). The target database and the state dir after the
# snapshot are kept as a template; each run starts from a copy of both (after a PostgreSQL
# CHECKPOINT) and drains the whole backlog with `sluice run --exit-when-idle 2s`. Prints
# changes/s of every run (wall time less the 2 s idle wait, process start included), the
# medians per mode, their ratio, the load average; each run's table is checked against
# MariaDB's (row count and sum of amounts). Exit 1 on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${1:-1000000}
INSERTS=${2:-500000}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-1}
ROWS_PER_BATCH=${ROWS_PER_BATCH:-20000}
SLUICE=$(readlink -f "${SLUICE:-build/sluice}")
[ -x "$SLUICE" ] || { echo "no sluice binary at $SLUICE (bash scripts/build.sh release)" >&2; exit 1; }

SERVERS=$(bash scripts/local_servers.sh start)
WORK=$(mktemp -d /tmp/sluice-drain-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS"; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
# CPU seconds (user + system, children included) of every process named $1.
cpu_s() {
  local t=0 pid
  for pid in $(pgrep -x "$1"); do
    t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2> /dev/null || echo 0)))
  done
  python3 -c "print($t / $(getconf CLK_TCK))"
}
pg_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

mysql_cli << SQL
CREATE DATABASE bank;
USE bank;
CREATE TABLE bank.txn (
  id BIGINT PRIMARY KEY, account_id INT NOT NULL, amount DECIMAL(15,2) NOT NULL,
  currency CHAR(3) NOT NULL, kind ENUM('deposit','withdrawal','transfer') NOT NULL,
  note VARCHAR(80), booked_at DATETIME(6) NOT NULL, value_date DATE NOT NULL);
INSERT INTO bank.txn SELECT seq, 1 + seq % 5000, seq / 100, 'EUR', 'deposit',
  CONCAT('payment ', seq), '2024-03-01 10:00:00.123456' + INTERVAL seq SECOND, '2024-03-01'
  FROM seq_1_to_$ROWS;
SQL

write_pipe() {  # $1: pipelined (true|false)
  cat > "$WORK/drain.pipe" << PIPE
pipeline drain {
  settings { state_dir = "state" }
  source mysql bank {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6801 database = "bank" tables = ["txn"]
  }
  sink postgres ods from bank {
    url = env("ODS_URL")  table = "ods." + @table  mode = upsert
    create_tables = true  metadata_columns = true  connections = $CONNECTIONS
    batch { rows = $ROWS_PER_BATCH  delay = 200ms  pipelined = $1 }
  }
}
PIPE
}

cd "$WORK"
write_pipe true
echo "== snapshot of $ROWS rows"
"$SLUICE" run drain.pipe --exit-when-idle 2s > snapshot.log 2>&1 || { tail -n 20 snapshot.log; exit 1; }
cp -a state state.base
pg_admin -c "CREATE DATABASE ods_base TEMPLATE ods"

dels=$((ROWS / 5))
changes=$((ROWS + dels + INSERTS))
echo "== backlog: $ROWS updates, $dels deletes, $INSERTS inserts = $changes changes (1,000 rows per transaction)"
mysql_cli bank << SQL
DELIMITER //
CREATE PROCEDURE backlog()
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < $ROWS DO
    UPDATE txn SET amount = amount + 0.01, kind = 'withdrawal' WHERE id > i AND id <= i + 1000;
    SET i = i + 1000;
  END WHILE;
  SET i = 0;
  WHILE i < $dels DO
    DELETE FROM txn WHERE id > i * 5 AND id <= i * 5 + 5000 AND id % 5 = 0;
    SET i = i + 1000;
  END WHILE;
  SET i = 0;
  WHILE i < $INSERTS DO
    INSERT INTO txn SELECT 1000000000 + i + seq, 1 + seq % 5000, seq / 100, 'USD', 'transfer',
      NULL, SYSDATE(6), CURDATE() FROM seq_1_to_1000;
    SET i = i + 1000;
  END WHILE;
END //
DELIMITER ;
CALL backlog();
SQL
expect=$(mysql_cli -N bank -e "SELECT CONCAT(count(*), '|', sum(amount)) FROM txn")

declare -A rates
status=0
for run in $(seq 1 "$RUNS"); do
  order="true false"
  [ $((run % 2)) -eq 0 ] && order="false true"
  for mode in $order; do
    rm -rf state && cp -a state.base state
    pg_admin -c "DROP DATABASE ods" -c "CREATE DATABASE ods TEMPLATE ods_base" -c "CHECKPOINT"
    write_pipe "$mode"
    load=$(cut -d' ' -f1 /proc/loadavg)
    pg0=$(cpu_s postgres)
    my0=$(cpu_s mariadbd)
    t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o time.txt "$SLUICE" run drain.pipe --exit-when-idle 2s > "drain_${run}_${mode}.log" 2>&1 || { tail -n 20 "drain_${run}_${mode}.log"; exit 1; }
    t1=$(date +%s.%N)
    cpu=$(python3 -c "u, s = open('time.txt').read().split()[-2:]; print(f'sluice {float(u) + float(s):.1f}, postgres {$(cpu_s postgres) - $pg0:.1f}, mariadbd {$(cpu_s mariadbd) - $my0:.1f} CPU s')")
    rate=$(python3 -c "print(round($changes / ($t1 - $t0 - 2)))")
    rates[$mode]="${rates[$mode]:-} $rate"
    got=$(psql_cli -At -c "SELECT count(*) || '|' || sum(amount) FROM ods.txn")
    commits=$(pg_admin -At -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'ods'")
    check="equal"
    [ "$got" = "$expect" ] || { check="DIFFERENT: $got vs MariaDB $expect"; status=1; }
    printf '   run %d pipelined=%-5s %9s changes/s (%.2f s, load %s; %s; %s commits) table %s\n' \
      "$run" "$mode" "$(python3 -c "print(f'{$rate:,}')")" "$(python3 -c "print($t1 - $t0 - 2)")" \
      "$load" "$cpu" "$commits" "$check"
  done
done
# ---- the anchor: PostgreSQL alone applying the same changes in the same batches ----
# From the same copy of the target: the backlog's changes as rows of an unlogged table (not
# timed), then one transaction per ROWS_PER_BATCH changes as the sink makes it: the batch
# collapsed to the last change per key into a TEMP staging table, one INSERT ... ON CONFLICT
# DO UPDATE, one DELETE ... USING, the checkpoint row. What it leaves out of the sink's work:
# decoding, the client's COPY, the network. ANCHOR_MERGE=1 also times the same batches applied
# by one MERGE each (PostgreSQL 15) instead of the INSERT and the DELETE.
anchor() {  # $1: upsert | merge
  pg_admin -c "DROP DATABASE ods" -c "CREATE DATABASE ods TEMPLATE ods_base"
  local cols sets vals
  cols=$(psql_cli -At -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'ods' AND table_name = 'txn'")
  sets=$(psql_cli -At -c "SELECT string_agg(quote_ident(column_name) || ' = EXCLUDED.' || quote_ident(column_name), ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'ods' AND table_name = 'txn' AND column_name <> 'id'")
  vals=$(psql_cli -At -c "SELECT string_agg('s.' || quote_ident(column_name), ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'ods' AND table_name = 'txn'")
  psql_cli << SQL
CREATE UNLOGGED TABLE chg (LIKE ods.txn);
ALTER TABLE chg ADD COLUMN seq bigint, ADD COLUMN op "char";
INSERT INTO chg ($cols, seq, op) SELECT $cols, id, 'u' FROM ods.txn;
UPDATE chg SET amount = amount + 0.01, kind = 'withdrawal', cdc_operation = 'u';
INSERT INTO chg (id, seq, op) SELECT g * 5, $ROWS + g, 'd' FROM generate_series(1, $dels) g;
INSERT INTO chg ($cols, seq, op)
  SELECT 1000000000 + g, 1 + ((g - 1) % 1000 + 1) % 5000, ((g - 1) % 1000 + 1) / 100.0, 'USD',
         'transfer', NULL, now(), current_date, 'c',
         now(), '{}', $ROWS + $dels + g, 'u' FROM generate_series(1, $INSERTS) g;
CREATE INDEX ON chg (seq);
CREATE TABLE ckpt (id int PRIMARY KEY, seq bigint);
INSERT INTO ckpt VALUES (1, 0);
VACUUM ANALYZE chg;
CHECKPOINT;
SQL
  {
    echo "CREATE TEMP TABLE stage (LIKE ods.txn, op \"char\") ON COMMIT DELETE ROWS;"
    for ((a = 0; a < changes; a += ROWS_PER_BATCH)); do
      b=$((a + ROWS_PER_BATCH))
      echo "BEGIN;
INSERT INTO stage SELECT DISTINCT ON (id) $cols, op FROM chg WHERE seq > $a AND seq <= $b ORDER BY id, seq DESC;"
      if [ "$1" = merge ]; then
        echo "MERGE INTO ods.txn t USING stage s ON t.id = s.id
  WHEN MATCHED AND s.op = 'd' THEN DELETE
  WHEN MATCHED THEN UPDATE SET ${sets//EXCLUDED./s.}
  WHEN NOT MATCHED AND s.op = 'u' THEN INSERT ($cols) VALUES ($vals);"
      else
        echo "INSERT INTO ods.txn ($cols) SELECT $cols FROM stage WHERE op = 'u' ON CONFLICT (id) DO UPDATE SET $sets;
DELETE FROM ods.txn t USING stage s WHERE s.op = 'd' AND t.id = s.id;"
      fi
      echo "UPDATE ckpt SET seq = $b WHERE id = 1;
COMMIT;"
    done
  } > "$WORK/anchor.sql"
  local pg0 t0 t1 got
  pg0=$(cpu_s postgres)
  t0=$(date +%s.%N)
  psql_cli -f "$WORK/anchor.sql"
  t1=$(date +%s.%N)
  got=$(psql_cli -At -c "SELECT count(*) || '|' || sum(amount) FROM ods.txn")
  [ "$got" = "$expect" ] || { echo "   anchor ($1) table DIFFERENT: $got vs MariaDB $expect"; status=1; }
  python3 -c "print(f'== anchor ($1): PostgreSQL alone applied the {$changes:,} changes in {$t1 - $t0:.2f} s = {$changes / ($t1 - $t0):,.0f} changes/s ({$(cpu_s postgres) - $pg0:.1f} CPU s)')"
}
anchor upsert
[ -n "${ANCHOR_MERGE:-}" ] && anchor merge
python3 - "${rates[true]}" "${rates[false]}" << 'PY'
import statistics, sys
on = [int(x) for x in sys.argv[1].split()]
off = [int(x) for x in sys.argv[2].split()]
mon, moff = statistics.median(on), statistics.median(off)
print(f"== medians: pipelined {mon:,.0f} changes/s, not pipelined {moff:,.0f} changes/s, ratio {mon / moff:.2f}")
PY
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
