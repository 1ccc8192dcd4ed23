#!/usr/bin/env bash
# The lock-free snapshot under kill -9 (issue 17): a 1,500,000-row table written at full speed
# (updates, deletes, inserts, key moves all over the key range) while `sluice run` reads it into
# PostgreSQL; sluice is killed -9 at random points TRIALS times and restarted; the target must
# end equal to the source row for row. This is tests/integration/mysql_snapshot_test.cpp's
# case with more kills (CI runs 2).
#
#   [SLUICE_WATERMARK=signal_table] bash bench/snapshot_kill.sh [TRIALS]   (default 10; release)
# SLUICE_WATERMARK=signal_table: the chunks placed by watermark rows in a signal table (MySQL 8's
# method) instead of the views' binlog positions.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-10}
bash scripts/build.sh release --target sluice --target test_integration > /dev/null
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), watermark ${SLUICE_WATERMARK:-auto}"
start=$(date +%s)
SLUICE_KILL_TRIALS=$TRIALS build/tests/test_integration \
  --run_test=mysql_lock_free_snapshot/big_table_written_at_full_speed_and_killed_equals_the_source \
  --log_level=message 2>&1 | grep -vE '^[0-9T:.-]+Z (info|warn)|^[0-9-]+ [0-9:]+ 0 \[' || true
echo "== $TRIALS kill -9 trials in $(($(date +%s) - start)) s (the result is the line above:"
echo "   'No errors detected' = the target equals the source row for row)"
