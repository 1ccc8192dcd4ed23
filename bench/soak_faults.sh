#!/usr/bin/env bash
# Soak under faults (issue 14): builds the release `sluice` and `soak_faults`, then runs
#
#   bash bench/soak_faults.sh [minutes=10] [min_faults=50] [seed=1]
#
# A private MariaDB and a private PostgreSQL (temporary data dirs, loopback ports) carry a
# pipeline with a parallel transform, an upsert sink and an append-mode history while a writer
# commits journaled changes and a random fault hits every 0.5-3.5 s: kill -9 of sluice,
# MariaDB restart and crash, PostgreSQL restart, FLUSH BINARY LOGS, KILL of the dump thread.
# Prints the faults, the changes, and lost / duplicated changes counted against the journal;
# exits non-zero on any loss, duplicate, difference or unexpected exit of sluice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release --target sluice soak_faults > /dev/null
exec build/bench/soak_faults "$@"
