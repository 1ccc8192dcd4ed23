#!/usr/bin/env bash
# The main job: MySQL/MariaDB -> PostgreSQL operational data store (pipelines/mysql_to_ods.pipe).
# Installs what it needs, builds sluice (release), starts PRIVATE MariaDB (binlog ROW, FULL
# image) and PostgreSQL servers (scripts/local_servers.sh; nothing of the system's own servers
# is touched), loads the banking sample data (pipelines/sql/), runs the pipeline in the
# background, applies live inserts/updates/deletes in MariaDB and shows them arriving in the
# ODS, then stops everything. The GitHub-events demo is scripts/demo_github.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/install-deps.sh
echo "== building sluice (release)"
bash scripts/build.sh release --target sluice > /dev/null
SLUICE="$ROOT/build/sluice"

echo "== starting private MariaDB and PostgreSQL servers"
SERVERS=$(bash scripts/local_servers.sh start)
SLUICE_PID=""
cleanup() {
  if [ -n "$SLUICE_PID" ] && kill -0 "$SLUICE_PID" 2> /dev/null; then
    kill -TERM "$SLUICE_PID" 2> /dev/null || true
    wait "$SLUICE_PID" 2> /dev/null || true
  fi
  bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS"
}
trap cleanup EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
echo "   MariaDB 127.0.0.1:$MYSQL_PORT (user $MYSQL_USER), PostgreSQL $ODS_URL"

echo "== loading the banking sample data (pipelines/sql/bank_*.sql)"
mysql_cli -e "SOURCE pipelines/sql/bank_schema.sql; SET @sf = 0.01; SOURCE pipelines/sql/bank_data.sql;"

TABLES="customers accounts transactions agreements"
src_count() { mysql_cli -N -B -e "SELECT COUNT(*) FROM bank.$1"; }
ods_count() { psql_cli -At -c "SELECT COUNT(*) FROM ods.$1" 2> /dev/null || echo 0; }
declare -A SRC0 ODS1 SRC2 ODS2
for t in $TABLES; do SRC0[$t]=$(src_count "$t"); done

echo "== sluice check pipelines/mysql_to_ods.pipe"
"$SLUICE" check pipelines/mysql_to_ods.pipe
rm -rf var/mysql_to_ods
mkdir -p var/mysql_to_ods
LOG=var/mysql_to_ods/sluice.log
echo "== sluice run pipelines/mysql_to_ods.pipe (background, log: $LOG)"
"$SLUICE" run pipelines/mysql_to_ods.pipe > "$LOG" 2>&1 &
SLUICE_PID=$!

# Waits until every table of the ODS has as many rows as the source, and CONDITION (SQL on
# the ODS returning t/f) holds.
wait_synced() {
  local cond="$1" deadline=$((SECONDS + 120)) ok t
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$SLUICE_PID" 2> /dev/null; then
      echo "sluice stopped unexpectedly; last log lines:" >&2
      tail -n 20 "$LOG" >&2
      exit 1
    fi
    ok=1
    for t in $TABLES; do
      [ "$(ods_count "$t")" = "$(src_count "$t")" ] || ok=0
    done
    if [ $ok = 1 ] && [ "$(psql_cli -At -c "SELECT $cond" 2> /dev/null)" = t ]; then return 0; fi
    sleep 0.2
  done
  echo "the ODS did not catch up within 120 s; last log lines:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
}

start=$SECONDS
wait_synced "true"
echo "   snapshot replicated in $((SECONDS - start)) s"
for t in $TABLES; do ODS1[$t]=$(ods_count "$t"); done

echo "== applying live changes in MariaDB (pipelines/sql/bank_changes.sql)"
echo "   new customer 900001 with an account and 2 transactions; interest on savings accounts"
echo "   1-20; customer 3 closed; agreement 1 defaulted; transactions 1-3 and agreement 2 deleted"
mysql_cli -e "SOURCE pipelines/sql/bank_changes.sql;"
changed_at=$(date +%s.%N)
wait_synced "EXISTS (SELECT 1 FROM ods.transactions WHERE id = 900002 AND status = 'booked')
             AND NOT EXISTS (SELECT 1 FROM ods.agreements WHERE id = 2)
             AND EXISTS (SELECT 1 FROM ods.agreements WHERE id = 1 AND status = 'defaulted')"
lag=$(python3 -c "import time; print(f'{time.time() - $changed_at:.2f}')")
for t in $TABLES; do SRC2[$t]=$(src_count "$t"); ODS2[$t]=$(ods_count "$t"); done

echo
echo "== results"
printf "   %-13s %14s %14s %14s %14s\n" table "source before" "ODS snapshot" "source after" "ODS after"
for t in $TABLES; do
  printf "   %-13s %14s %14s %14s %14s\n" "$t" "${SRC0[$t]}" "${ODS1[$t]}" "${SRC2[$t]}" "${ODS2[$t]}"
done
echo "   live changes visible in the ODS ${lag}s after the last commit in MariaDB (polled every 0.2 s)"
echo
echo "-- ods.customers: the new customer and the closed one (exact DATE/DATETIME/TIMESTAMP, NULLs)"
psql_cli -c "SELECT id, full_name, email, segment, status, birth_date, created_at, cdc_operation AS op
             FROM ods.customers WHERE id IN (3, 900001) ORDER BY id"
echo "-- ods.account_history (append mode): balance of savings accounts 1 and 4 before (r) and after (u) interest"
psql_cli -c "SELECT id, cdc_operation AS op, balance, interest_rate, updated_at
             FROM ods.account_history WHERE id IN (1, 4) ORDER BY id, cdc_operation = 'u', cdc_position"
echo "-- ods.transactions: inserted (c) and updated (u) rows; ids 1-3 were deleted in MariaDB"
psql_cli -c "SELECT id, account_id, amount, kind, status, booked_at, description, cdc_operation AS op
             FROM ods.transactions WHERE id IN (1, 2, 3, 900001, 900002) ORDER BY id"
echo "-- same digits on both sides: sum of all balances"
echo "   MariaDB   : $(mysql_cli -N -B -e 'SELECT SUM(balance) FROM bank.accounts')"
echo "   PostgreSQL: $(psql_cli -At -c 'SELECT SUM(balance) FROM ods.accounts')"
echo "-- column types created in the ODS (ods.accounts)"
psql_cli -At -c "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
  FROM pg_attribute WHERE attrelid = 'ods.accounts'::regclass AND attnum > 0 AND NOT attisdropped" | fold -s -w 96 | sed 's/^/   /'
echo "-- exactly once: the source position committed with the rows (public.sluice_checkpoints)"
psql_cli -c "SELECT stage, position, seq FROM sluice_checkpoints ORDER BY stage"

echo "== stopping sluice (SIGTERM: drain, checkpoint, exit 0)"
kill -TERM "$SLUICE_PID"
rc=0
wait "$SLUICE_PID" || rc=$?
SLUICE_PID=""
echo "   sluice exited with $rc; state in var/mysql_to_ods/checkpoint.json"
dlq=var/mysql_to_ods/dlq.jsonl
echo "   dead letters: $( [ -f "$dlq" ] && wc -l < "$dlq" || echo 0)"
echo "== stopping the private servers"
