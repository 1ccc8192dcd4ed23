#!/usr/bin/env bash
# What applying batches in the source's order costs (docs/postgres.md "Foreign keys in the
# target"): a backlog of TXNS source transactions, each inserting a customer and two of its
# orders and updating an older order, drained into PostgreSQL tables without foreign keys
# (batches applied table by table: the anchor) and with the source's foreign keys (the first
# batch is refused, then every batch goes in the source's order), alternating, RUNS each.
#
#   [SLUICE=build/sluice] [RUNS=3] bash bench/fk_order_bench.sh [TXNS=20000]
#
# Private MariaDB and PostgreSQL (scripts/local_servers.sh, durable). Each run starts from a
# fresh target database and state directory at the binlog position before the backlog
# (`start = "FILE:POS"`, `snapshot = never`) and drains it with `sluice run --exit-when-idle
# 2s`. Prints changes/s of every run (wall time less the 2 s idle wait), the medians, their
# ratio and the load average; each run's tables are checked against MariaDB's counts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TXNS=${1:-20000}
RUNS=${RUNS:-3}
SLUICE=$(readlink -f "${SLUICE:-build/sluice}")
[ -x "$SLUICE" ] || { echo "no sluice binary at $SLUICE (bash scripts/build.sh release)" >&2; exit 1; }

SERVERS=$(bash scripts/local_servers.sh start | tail -1)
WORK=$(mktemp -d /tmp/sluice-fk-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS"; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
pg_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

mysql_cli << SQL
CREATE DATABASE shop;
CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
CREATE TABLE shop.orders (id INT PRIMARY KEY, customer_id INT NOT NULL,
  amount DECIMAL(12,2) NOT NULL, FOREIGN KEY (customer_id) REFERENCES shop.customers (id));
INSERT INTO shop.customers VALUES (0, 'first');
INSERT INTO shop.orders VALUES (0, 0, 0);
SQL
read -r FILE POS < <(mysql_cli -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
python3 - "$TXNS" > "$WORK/backlog.sql" << 'PY'
import sys
n = int(sys.argv[1])
for i in range(1, n + 1):
    print(f"BEGIN; INSERT INTO shop.customers VALUES ({i}, 'c{i}'); "
          f"INSERT INTO shop.orders VALUES ({2*i}, {i}, {i}.50), ({2*i+1}, {i}, 1.25); "
          f"UPDATE shop.orders SET amount = amount + 1 WHERE id = {i}; COMMIT;")
PY
echo "== backlog: $TXNS transactions ($((TXNS * 4)) changes)"
mysql_cli < "$WORK/backlog.sql"
CHANGES=$((TXNS * 4))

target_sql() {  # $1: with foreign keys (1) or not (0)
  local ref=""
  [ "$1" = 1 ] && ref="REFERENCES customers (id)"
  echo "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL $ref,
          amount numeric(12,2) NOT NULL);
        INSERT INTO customers VALUES (0, 'first'); INSERT INTO orders VALUES (0, 0, 0);"
}

run_once() {  # $1: 0 or 1 (foreign keys); prints changes/s
  pg_admin -d postgres -c "DROP DATABASE IF EXISTS fkb" -c "CREATE DATABASE fkb"
  pg_admin -d fkb -c "$(target_sql "$1")"
  rm -rf "$WORK/state"
  cat > "$WORK/fk.pipe" << PIPE
pipeline fkb {
  settings { state_dir = "$WORK/state" }
  source mysql src {
    host = env("MYSQL_HOST") port = to_int(env("MYSQL_PORT")) user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD") server_id = 6901 database = "shop"
    snapshot = never  start = "$FILE:$POS"
  }
  sink postgres ods from src {
    url = "postgresql://postgres@127.0.0.1:$PG_PORT/fkb"  table = @table  mode = upsert
  }
}
PIPE
  local t0 t1
  t0=$(date +%s.%N)
  "$SLUICE" run "$WORK/fk.pipe" --exit-when-idle 2s > "$WORK/run.log" 2>&1 || { tail -n 20 "$WORK/run.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  local got
  got=$(pg_admin -d fkb -At -c "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM orders)")
  [ "$got" = "$((TXNS + 1)) $((2 * TXNS + 1))" ] || { echo "target differs: $got" >&2; exit 1; }
  python3 -c "print(round($CHANGES / ($t1 - $t0 - 2)))"
}

plain=() keyed=()
for r in $(seq 1 "$RUNS"); do
  p=$(run_once 0); k=$(run_once 1)
  plain+=("$p"); keyed+=("$k")
  echo "run $r: no foreign keys $p changes/s, foreign keys $k changes/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${plain[@]}"); mk=$(median "${keyed[@]}")
echo "median: no foreign keys $mp, foreign keys $mk changes/s, ratio $(python3 -c "print(round($mk / $mp, 2))")"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
