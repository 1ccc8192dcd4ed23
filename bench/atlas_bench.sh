#!/usr/bin/env bash
# The atlas tiering pipeline at production size (issue 18, state on disk):
# `sluice run pipelines/atlas_tiering_pg.pipe` over the atlas_bank data at ROWS rows, once with
# the default state (`rocksdb`, on disk) and once with a copy of the pipeline that has
# `state { backend = memory }` in its settings (the anchor), each from an empty state directory
# into an empty target database. After each run tier 2 (tier2.customer_analytics) is compared
# with its SQL definition computed on the MariaDB source (the query of
# tests/integration/atlas_test.cpp, sorted text dumps through diff).
#
#   [SLUICE=build/sluice] [KEEP=1] [IDLE_S=5] [BACKENDS="rocksdb memory"] [MEMORY_CHECKPOINT_INTERVAL=60s] [LIMIT_S=3600] \
#     bash bench/atlas_bench.sh [ROWS=3000000]   (release build)
#
# The binary is copied first, so both runs use the same build even when build/sluice is
# rebuilt meanwhile. A run that exits before its source has read all ROWS rows is a failure:
# `--exit-when-idle` counts only source reads and sink writes as activity, so a stage that holds
# everything back for IDLE_S seconds (under back-pressure, on a loaded machine) ends the run
# mid-snapshot with exit code 0 (a Sluice bug, seen at 3,000,000 rows with IDLE_S=5 at load
# 4.4; a larger IDLE_S makes it less likely).
#
# The memory anchor also gets `checkpoint_interval = MEMORY_CHECKPOINT_INTERVAL` (default 60s;
# empty = the pipeline's 1 s): the coordinator takes a checkpoint every interval even when
# nothing changed, the memory backend writes its whole state into each (26 MB at 100,000 rows),
# and a checkpoint pending for more than 100 ms counts as activity, so with 1 s
# `--exit-when-idle` never fires (a Sluice bug, seen at 100,000 rows: still running after 10
# minutes). The rocksdb run keeps the pipeline's settings (1 s). A run still going after LIMIT_S
# seconds gets SIGTERM and is reported as not exiting.
#
# Servers: private MariaDB and PostgreSQL from `scripts/local_servers.sh start --no-fsync`:
# PostgreSQL runs with fsync=off and synchronous_commit=off (not durable; the sinks' commits do
# not wait for the disk), MariaDB with innodb_flush_log_at_trx_commit=2 and sync_binlog=0.
# The data (schema pipelines/sql/atlas_schema.sql, the test's DDL) is generated server-side from
# MariaDB's SEQUENCE engine with the value shapes of atlas_test.cpp's generator: 10 % customers,
# 20 % accounts (a random customer each: ~13 % of the customers have none; every 13th account
# closed, every 29th frozen), 5 % agreements, the rest transactions (a random account each, dates
# over two years). Deterministic: two loads of the same ROWS hold the same data.
# Prints per backend: rows, wall seconds less the idle wait (IDLE_S), rows/s, peak RSS, tier-2 rows,
# "tier 2 equal" or the first differences; exit 1 if a run fails or tier 2 differs.
# The build is not touched (SLUICE defaults to build/sluice); KEEP=1 keeps the servers, the
# state directories and the logs (their directory is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-3000000}
IDLE_S=${IDLE_S:-5}
BIN=${SLUICE:-$PWD/build/sluice}
[ -x "$BIN" ] || { echo "atlas_bench: $BIN not found (build it: bash scripts/build.sh release)" >&2; exit 2; }
BIN=$(realpath "$BIN")
MEMORY_CHECKPOINT_INTERVAL=${MEMORY_CHECKPOINT_INTERVAL-60s}
LIMIT_S=${LIMIT_S:-3600}
PIPE=$PWD/pipelines/atlas_tiering_pg.pipe

NC=$((ROWS * 10 / 100))
NA=$((ROWS * 20 / 100))
NG=$((ROWS * 5 / 100))
NT=$((ROWS - NC - NA - NG))
[ "$NC" -ge 1 ] && [ "$NA" -ge 1 ] && [ "$NG" -ge 1 ] || { echo "atlas_bench: ROWS too small" >&2; exit 2; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (before)"
WORK=$(mktemp -d /tmp/sluice-atlas-bench.XXXXXX)
SERVERS=""
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "== kept: work $WORK, servers $SERVERS (stop: bash scripts/local_servers.sh stop $SERVERS)"
    return
  fi
  [ -n "$SERVERS" ] && bash scripts/local_servers.sh stop "$SERVERS" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cp "$BIN" "$WORK/sluice"
echo "== sluice: $BIN, built $(date -u -r "$BIN" '+%F %T') UTC (copied for both runs)"
BIN=$WORK/sluice
SERVERS=$(bash scripts/local_servers.sh start --no-fsync | tail -n 1)
# shellcheck disable=SC1091
. "$SERVERS/env"
pg_admin() { PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
TIERS_DB=atlas_tiers
export TIERS_PG_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$TIERS_DB

# ---- the source: schema and ROWS rows ------------------------------------------------------
echo "== loading $ROWS rows: $NC customers, $NA accounts, $NT transactions, $NG agreements"
load_start=$(date +%s.%N)
mysql_cli -e "DROP DATABASE IF EXISTS atlas_bank"
mysql_cli < pipelines/sql/atlas_schema.sql
# The binlog is left out of the load: sluice snapshots the tables (snapshot = initial) and then
# streams from the binlog position of its start.
mysql_cli atlas_bank <<SQL
SET SESSION sql_log_bin = 0;
SET time_zone = '+00:00';
INSERT INTO customers (customer_id, first_name, last_name, email, phone, date_of_birth,
                       address_line1, address_line2, city, state, postal_code, country, status,
                       credit_score, created_at)
SELECT seq, CONCAT('First', seq), CONCAT('Last', seq),
       IF(seq % 13 = 0, NULL, CONCAT('c', seq, '@example.com')),
       CONCAT('+1-555-', 1000 + seq % 9000),
       DATE('1950-01-01') + INTERVAL (seq * 37) % 18000 DAY,
       CONCAT(seq, ' Main St'), IF(seq % 5 = 0, CONCAT('Apt ', 1 + seq % 90), NULL),
       ELT(1 + seq % 3, 'Austin', 'Boston', 'Denver'), ELT(1 + seq % 3, 'TX', 'MA', 'CO'),
       LPAD(seq % 100000, 5, '0'), 'US',
       IF(seq % 17 = 0, 'suspended', 'active'),
       IF(seq % 11 = 0, NULL, 500 + (seq * 37) % 350),
       TIMESTAMP('2020-01-01 09:00:00.5') + INTERVAL (seq * 7919) % 31536000 SECOND
FROM seq_1_to_${NC};

INSERT INTO accounts (account_id, customer_id, account_number, account_type, status, balance,
                      interest_rate, credit_limit, opened_date, closed_date, created_at)
SELECT seq, 1 + CRC32(CONCAT('a', seq)) % ${NC}, CONCAT('AC', 1000000000 + seq),
       ELT(1 + CRC32(CONCAT('k', seq)) % 4, 'checking', 'savings', 'credit', 'loan'),
       IF(seq % 13 = 0, 'closed', IF(seq % 29 = 0, 'frozen', 'open')),
       CAST(CAST(CRC32(CONCAT('b', seq)) % 55000000 AS SIGNED) - 5000000 AS DECIMAL(18,0)) / 100,
       0.0125,
       IF(seq % 3 = 0, NULL, CAST(CRC32(CONCAT('l', seq)) % 1000000 AS DECIMAL(18,0)) / 100),
       DATE('2022-05-01') - INTERVAL seq % 3000 DAY,
       IF(seq % 13 = 0, DATE('2024-06-30'), NULL),
       TIMESTAMP('2022-05-01 10:00:00.000001') + INTERVAL seq SECOND
FROM seq_1_to_${NA};

INSERT INTO transactions (transaction_id, account_id, transaction_type, amount, status,
                          description, transaction_date, created_at)
SELECT seq, 1 + CRC32(CONCAT('t', seq)) % ${NA},
       ELT(1 + seq % 5, 'deposit', 'withdrawal', 'transfer', 'fee', 'interest'),
       CAST(CAST(CRC32(CONCAT('m', seq)) % 200000 AS SIGNED) - 100000 AS DECIMAL(18,0)) / 100,
       IF(seq % 101 = 0, 'reversed', IF(seq % 20 = 0, 'pending', 'booked')),
       IF(seq % 4 = 0, NULL, CONCAT('t', seq)),
       TIMESTAMP('2023-01-01 00:00:00') + INTERVAL CRC32(CONCAT('d', seq)) % 63072000 SECOND,
       TIMESTAMP('2024-01-01 00:00:00')
FROM seq_1_to_${NT};

INSERT INTO agreements (agreement_id, customer_id, agreement_type, status, principal, rate,
                        start_date, end_date, created_at)
SELECT seq, 1 + CRC32(CONCAT('g', seq)) % ${NC},
       ELT(1 + seq % 4, 'mortgage', 'consumer_loan', 'credit_card', 'overdraft'),
       ELT(1 + (seq DIV 4) % 4, 'draft', 'active', 'closed', 'defaulted'),
       CAST((seq * 99991) % 100000000 + 100000 AS DECIMAL(18,0)) / 100,
       CAST(100 + (seq * 37) % 1200 AS DECIMAL(10,0)) / 10000,
       DATE('2012-01-01') + INTERVAL (seq * 29) % 4000 DAY,
       IF(seq % 3 = 0, NULL, DATE('2012-01-01') + INTERVAL (seq * 29) % 4000 + 365 * (1 + seq % 25) DAY),
       TIMESTAMP('2024-01-01 00:00:00')
FROM seq_1_to_${NG};
SQL
loaded=$(mysql_cli -N -B -e "SELECT (SELECT COUNT(*) FROM atlas_bank.customers) +
  (SELECT COUNT(*) FROM atlas_bank.accounts) + (SELECT COUNT(*) FROM atlas_bank.transactions) +
  (SELECT COUNT(*) FROM atlas_bank.agreements)")
[ "$loaded" -eq "$ROWS" ] || { echo "atlas_bench: loaded $loaded rows, not $ROWS" >&2; exit 1; }
echo "== loaded in $(awk -v a="$load_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

# ---- tier 2 by its SQL definition (atlas_test.cpp's expected_tier2) --------------------------
# customer_id|total_accounts|total_balance|account_types|avg_monthly|last_txn per customer.
# split_materialized=off: MariaDB's lateral plan re-materializes the per-account derived table
# for every customer (10 minutes at 100,000 rows); materialized once, the query takes seconds.
mysql_cli -N -B > "$WORK/want.raw" <<'SQL'
SET time_zone = '+00:00', group_concat_max_len = 100000;
SET optimizer_switch = 'split_materialized=off';
SELECT CONCAT(c.customer_id, '|', COALESCE(s.total_accounts, 0), '|',
  COALESCE(s.total_balance, '<NULL>'), '|',
  CONCAT('[', COALESCE(s.types, ''), ']'), '|',
  COALESCE(IF(s.txn_count > 0, ROUND(CAST(s.txn_count AS DECIMAL(30,12)) /
     ((YEAR(s.last_txn) - YEAR(s.first_txn)) * 12 + MONTH(s.last_txn) - MONTH(s.first_txn)
      + 1), 6), NULL), '<NULL>'), '|',
  COALESCE(DATE_FORMAT(s.last_txn, '%Y-%m-%dT%H:%i:%s.%f'), '<NULL>'))
FROM atlas_bank.customers c LEFT JOIN (
  SELECT a.customer_id, COUNT(*) AS total_accounts, SUM(a.balance) AS total_balance,
    GROUP_CONCAT(DISTINCT CONCAT('"', a.account_type, '"') ORDER BY CAST(a.account_type AS CHAR)
                 SEPARATOR ', ') AS types,
    SUM(COALESCE(t.cnt, 0)) AS txn_count, MIN(t.first_txn) AS first_txn,
    MAX(t.last_txn) AS last_txn
  FROM atlas_bank.accounts a LEFT JOIN (
    SELECT account_id, COUNT(*) AS cnt, MIN(transaction_date) AS first_txn,
           MAX(transaction_date) AS last_txn
    FROM atlas_bank.transactions GROUP BY account_id) t ON t.account_id = a.account_id
  WHERE a.status <> 'closed' GROUP BY a.customer_id) s ON s.customer_id = c.customer_id
ORDER BY c.customer_id;
SQL
LC_ALL=C sort "$WORK/want.raw" > "$WORK/want.txt"
echo "== tier 2 by SQL on MariaDB: $(wc -l < "$WORK/want.txt") rows"

# ---- the runs --------------------------------------------------------------------------------
# The anchor: the same pipeline with `state { backend = memory }` in its settings block (and the
# checkpoint interval, see the header).
ckpt_line=""
[ -n "$MEMORY_CHECKPOINT_INTERVAL" ] && ckpt_line="    checkpoint_interval = $MEMORY_CHECKPOINT_INTERVAL"
awk -v c="$ckpt_line" '{ print } /^    state_dir *=/ { print "    state { backend = memory }"; if (c != "") print c }' \
  "$PIPE" > "$WORK/atlas_tiering_pg_memory.pipe"
grep -q 'backend = memory' "$WORK/atlas_tiering_pg_memory.pipe"
"$BIN" check "$WORK/atlas_tiering_pg_memory.pipe" > /dev/null

failed=0
run() {  # run BACKEND PIPE_FILE
  local backend=$1 file=$2 dir=$WORK/$1
  mkdir -p "$dir"
  # An empty target: a new database with the two schemas (the sinks create the tables).
  pg_admin -d postgres -c "DROP DATABASE IF EXISTS $TIERS_DB" -c "CREATE DATABASE $TIERS_DB"
  pg_admin -d "$TIERS_DB" -c "CREATE SCHEMA tier1; CREATE SCHEMA tier2;"
  local load_before rc=0
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  # cwd = the run's directory: the dead-letter file (var/atlas_tiering_pg/dlq.jsonl) lands there.
  # /usr/bin/time's peak RSS (%M) is the largest of timeout's and sluice's.
  (cd "$dir" && /usr/bin/time -f '%M %e' -o "$dir/time" timeout -s TERM "$LIMIT_S" \
    "$BIN" run "$file" --state-dir "$dir/state" --exit-when-idle ${IDLE_S}s > "$dir/log" 2>&1) || rc=$?
  if [ "$rc" -eq 124 ]; then
    echo "$backend: sluice run did not exit within $LIMIT_S s (--exit-when-idle ${IDLE_S}s never fired);" \
      "stopped with SIGTERM; the figures below count the whole wait"
    failed=1
  elif [ "$rc" -ne 0 ]; then
    echo "$backend: sluice run exited $rc; the end of its log:"
    grep -v '^Command exited' "$dir/log" | tail -n 30
    failed=1
    return
  fi
  local rss_kb wall secs rate rss_mb
  read -r rss_kb wall < <(tail -n 1 "$dir/time")
  secs=$(awk -v w="$wall" -v i="$IDLE_S" 'BEGIN { printf "%.2f", w - i }')
  rate=$(awk -v r="$ROWS" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
  rss_mb=$((rss_kb / 1024))
  pg_admin -d "$TIERS_DB" -At > "$WORK/got.raw" <<'SQL'
SELECT customer_id || '|' || (financial_summary->>'total_accounts') || '|' ||
  coalesce(financial_summary->>'total_balance', '<NULL>') || '|' ||
  (financial_summary->'account_types')::text || '|' ||
  coalesce(financial_summary->>'avg_monthly_transactions', '<NULL>') || '|' ||
  coalesce(financial_summary->>'last_transaction_date', '<NULL>')
FROM tier2.customer_analytics ORDER BY customer_id;
SQL
  LC_ALL=C sort "$WORK/got.raw" > "$dir/got.txt"
  local t2 t1 dead=0 state_mb verdict read_rows
  # The snapshot's last progress line: every row read? (The source's `out` in the run summary
  # also counts the snapshot's schema statements.)
  read_rows=$(grep -o 'snapshot [0-9]*/[0-9]* rows' "$dir/log" | tail -n 1 | sed 's/snapshot \([0-9]*\)\/.*/\1/')
  if [ "$read_rows" != "$ROWS" ]; then
    echo "$backend: sluice run ended (exit $rc) after its source read ${read_rows:-?} of $ROWS rows:" \
      "$(grep -m 1 -o 'idle: stopping' "$dir/log" || echo 'no idle stop in its log')"
    failed=1
  fi
  t2=$(wc -l < "$dir/got.txt")
  t1=$(pg_admin -d "$TIERS_DB" -At -c "SELECT (SELECT count(*) FROM tier1.customers) +
    (SELECT count(*) FROM tier1.accounts) + (SELECT count(*) FROM tier1.transactions) +
    (SELECT count(*) FROM tier1.agreements)")
  [ -f "$dir/var/atlas_tiering_pg/dlq.jsonl" ] && dead=$(wc -l < "$dir/var/atlas_tiering_pg/dlq.jsonl")
  state_mb=$(du -sm "$dir/state" | cut -f1)
  if diff "$WORK/want.txt" "$dir/got.txt" > "$dir/diff"; then
    verdict="tier 2 equal"
  else
    verdict="tier 2 NOT equal ($(grep -c '^[<>]' "$dir/diff") differing lines; < SQL on MariaDB, > tier2)"
    failed=1
  fi
  [ "$backend" = memory ] && [ -n "$MEMORY_CHECKPOINT_INTERVAL" ] && backend="memory (checkpoint_interval $MEMORY_CHECKPOINT_INTERVAL)"
  echo "$backend: $ROWS rows in $secs s (wall $wall s less the ${IDLE_S} s idle wait) = $rate rows/s," \
    "peak RSS $rss_mb MB, tier 2 rows $t2, tier 1 rows $t1, dead letters $dead," \
    "state dir $state_mb MB, load $load_before -> $(cut -d' ' -f1-3 /proc/loadavg): $verdict"
  [ "$verdict" = "tier 2 equal" ] || head -n 20 "$dir/diff"
}

for b in ${BACKENDS:-rocksdb memory}; do
  case "$b" in
    rocksdb) run rocksdb "$PIPE" ;;
    memory) run memory "$WORK/atlas_tiering_pg_memory.pipe" ;;
    *) echo "atlas_bench: unknown backend $b" >&2; exit 2 ;;
  esac
done
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (after)"
exit "$failed"
