#!/usr/bin/env bash
# Snapshot speed by key shape: the same ROWS rows under an INT primary key (keys.single) and under
# a three-column key INT, VARCHAR, DATE (keys.comp), each read alone by `sluice run` (`snapshot =
# only`, chunk_rows CHUNK) into `sink null`; RUNS alternating pairs, medians, MariaDB's index
# reads (Handler_read_next) per run, and the machine's load. The INT key is the anchor: a
# composite key should cost about the same. Private MariaDB (scripts/local_servers.sh).
#
#   [SLUICE=path/to/sluice] bash bench/snapshot_keys.sh [ROWS=1000000] [RUNS=3] [CHUNK=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${1:-1000000}
RUNS=${2:-3}
CHUNK=${3:-10000}
if [ -z "${SLUICE:-}" ]; then
  bash scripts/build.sh release --target sluice > /dev/null
  SLUICE=$ROOT/build/sluice
fi
SERVERS=$(bash scripts/local_servers.sh start)
WORK=$(mktemp -d /tmp/sluice-snapkeys-XXXXXX)
trap 'bash "$ROOT/scripts/local_servers.sh" stop "$SERVERS" > /dev/null; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
. "$SERVERS/env"
mysql_cli -e "CREATE DATABASE \`keys\`; USE \`keys\`;
  CREATE TABLE single (id INT PRIMARY KEY, a INT, b VARCHAR(20), c DATE, v INT);
  CREATE TABLE comp (a INT, b VARCHAR(20), c DATE, v INT, PRIMARY KEY (a, b, c));
  INSERT INTO comp SELECT seq % 13, CONCAT('k', seq % 101), DATE_ADD('2000-01-01', INTERVAL seq
    DAY), seq FROM seq_1_to_$ROWS;
  INSERT INTO single SELECT v, a, b, c, v FROM comp;"
for t in single comp; do
  cat > "$WORK/$t.pipe" << PIPE
pipeline snapkeys {
  source mysql src {
    host = env("MYSQL_HOST")  port = to_int(env("MYSQL_PORT"))  user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD")  server_id = 6721  tables = ["keys.$t"]
    snapshot = only  chunk_rows = $CHUNK
  }
  sink null out from src {}
}
PIPE
done
reads() { mysql_cli -N -B -e "SHOW GLOBAL STATUS LIKE 'Handler_read_next'" | cut -f2; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $ROWS rows, chunk_rows $CHUNK; sluice: $SLUICE"
declare -A rates
for run in $(seq 1 "$RUNS"); do
  for t in single comp; do
    rm -rf "$WORK/state"
    r0=$(reads)
    t0=$(date +%s.%N)
    "$SLUICE" run "$WORK/$t.pipe" --state-dir "$WORK/state" > "$WORK/$t.log" 2>&1 || {
      echo "   FAILED:"; tail -n 20 "$WORK/$t.log"; exit 1; }
    t1=$(date +%s.%N)
    got=$(awk '$1 == "snapkeys" && $2 == "out" {print $4}' "$WORK/$t.log")
    [ "$got" = "$ROWS" ] || { echo "   the null sink got '$got' rows of $ROWS"; exit 1; }
    rate=$(python3 -c "print(round($ROWS / ($t1 - $t0)))")
    rates[$t]="${rates[$t]:-} $rate"
    printf '   run %d %-6s %9s rows/s  %12s index reads  load %s\n' "$run" "$t" "$rate" \
      "$(( $(reads) - r0 ))" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
# shellcheck disable=SC2086
s=$(median ${rates[single]}); c=$(median ${rates[comp]})
echo "== medians: INT key $s rows/s, three-column key $c rows/s ($(python3 -c "print(f'{$c / $s:.2f}')")x)"
