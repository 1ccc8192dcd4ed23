#!/usr/bin/env bash
# Where the time goes on the streaming path (issue 19 point 3): binlog -> event -> planner ->
# COPY into PostgreSQL, profiled with perf (linux-perf) on the release build.
#
#   [SLUICE=build/sluice] [PERF_CALLGRAPH=dwarf] bash bench/profile_stream.sh [ROWS=200000] [CHANGES=400000] [OUT=perf-stream]
#
# Private MariaDB and PostgreSQL (scripts/local_servers.sh; PostgreSQL durable), one table
# with the ODS's usual column types (BIGINT key, INT, DECIMAL(15,2), VARCHAR, ENUM,
# DATETIME(6), DATE), ROWS rows read by a first `sluice run` (snapshot), then CHANGES mixed
# changes (50 % updates, 30 % inserts, 20 % deletes, 1,000 rows per transaction) written while
# sluice is stopped; the second run drains that backlog under `perf record` (sampling at
# 999 Hz, every thread of the process). Prints changes/s of the drain (by the engine clock:
# wall time less the 2 s idle wait), the load average, and the top entries of the profile by
# self time (symbol and library); OUT.data keeps the samples for `perf report -i`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${1:-200000}
CHANGES=${2:-400000}
OUT=${3:-perf-stream}
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac
SLUICE=$(readlink -f "${SLUICE:-build/sluice}")
[ -x "$SLUICE" ] || { echo "no sluice binary at $SLUICE (bash scripts/build.sh release)" >&2; exit 1; }
command -v perf > /dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }

SERVERS=$(bash scripts/local_servers.sh start)
WORK=$(mktemp -d /tmp/sluice-profile-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS"; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"

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

cat > "$WORK/stream.pipe" << 'PIPE'
pipeline profile {
  settings { state_dir = "state" }
  source mysql bank {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6701 database = "bank" tables = ["txn"]
  }
  sink postgres ods from bank {
    url = env("ODS_URL")  table = "ods." + @table  mode = upsert
    create_tables = true  metadata_columns = true
    batch { rows = 20000  delay = 200ms }
  }
}
PIPE
cd "$WORK"
echo "== snapshot of $ROWS rows"
"$SLUICE" run stream.pipe --exit-when-idle 2s > snapshot.log 2>&1 || { tail -n 20 snapshot.log; exit 1; }

ups=$((CHANGES / 2)); ins=$((CHANGES * 3 / 10)); dels=$((CHANGES - ups - ins))
echo "== backlog: $ups updates, $ins inserts, $dels deletes (1,000 rows per transaction)"
mysql_cli bank << SQL
DELIMITER //
CREATE PROCEDURE backlog()
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < $ins DO
    INSERT INTO txn SELECT 1000000000 + i + seq, 1 + seq % 5000, seq / 100, 'USD', 'transfer',
      NULL, SYSDATE(6), CURDATE() FROM seq_1_to_1000;
    SET i = i + 1000;
  END WHILE;
  SET i = 0;
  WHILE i < $ups DO
    UPDATE txn SET amount = amount + 0.01, kind = 'withdrawal'
      WHERE id > i % $ROWS AND id <= i % $ROWS + 1000;
    SET i = i + 1000;
  END WHILE;
  SET i = 0;
  WHILE i < $dels DO
    DELETE FROM txn WHERE id > 1000000000 + i AND id <= 1000000000 + i + 1000;
    SET i = i + 1000;
  END WHILE;
END //
DELIMITER ;
CALL backlog();
SQL

echo "== drain under perf record (load: $(cut -d' ' -f1-3 /proc/loadavg))"
t0=$(date +%s.%N)
perf record -F 999 ${PERF_CALLGRAPH:+--call-graph $PERF_CALLGRAPH} -o "$OUT.data" -- "$SLUICE" run stream.pipe --exit-when-idle 2s \
  > drain.log 2>&1 || { tail -n 20 drain.log; exit 1; }
t1=$(date +%s.%N)
# --exit-when-idle waits 2 s after the last change: not part of the drain.
python3 -c "print(f'   drained $CHANGES changes in {$t1 - $t0 - 2:.2f} s = {$CHANGES / ($t1 - $t0 - 2):,.0f} changes/s (wall time, process start included)')"
grep -E "^profile +ods " drain.log || true
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== top entries by self time (all threads)"
perf report -i "$OUT.data" --stdio --no-children --sort dso,symbol --percent-limit 0.7 \
  2> /dev/null | grep -v "^#" | grep -v "^$" | head -n 45
