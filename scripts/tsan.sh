#!/usr/bin/env bash
# The ThreadSanitizer run of CI (docs/testing.md): builds build-tsan/ and runs the engine,
# runtime and cluster suites, and the postgres sink's suites that run transactions on threads
# of their own (connections = N, batch.pipelined). The engine and runtime suites run with tests/tsan.supp (CAF's
# start-up and teardown); the cluster suite adds tests/tsan_cluster.supp (CAF's network layer and
# blocking actors) and its `sluice node`, `deploy` and `status` processes are TSan builds too:
# every process writes its reports to one folder, and any report fails the run.
#   bash scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh tsan --target sluice test_engine test_runtime test_cluster test_postgres
reports=$(mktemp -d /tmp/sluice-tsan-XXXXXX)
supp=$reports/all.supp
cat tests/tsan.supp tests/tsan_cluster.supp >"$supp"
failed=0
export TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp"
(cd build-tsan && ctest --output-on-failure -R '^test_(engine|runtime)$') || failed=1
(cd build-tsan && ./tests/test_postgres --report_level=short \
  '--run_test=pg_sink_pipelined:pg_sink_parallel') || failed=1
# Not the case with the Kafka mock cluster: librdkafka starts its threads with C11 thrd_create,
# which GCC 12's TSan does not intercept, and the first allocation on such a thread crashes
# inside TSan (SEGV in its allocator cache). That case runs in the release and ASan builds.
export TSAN_OPTIONS="halt_on_error=0 suppressions=$supp log_path=$reports/report"
(cd build-tsan && ./tests/test_cluster --log_level=test_suite --report_level=short \
  '--run_test=!cluster/kafka_partitions_spread_over_nodes') || failed=1
unset TSAN_OPTIONS
if compgen -G "$reports/report.*" >/dev/null; then
  for f in "$reports"/report.*; do
    echo "== ThreadSanitizer report of process ${f##*.}"
    head -n 60 "$f"
  done
  failed=1
fi
rm -rf "$reports"
[ "$failed" = 0 ] && echo "tsan.sh: engine, runtime and cluster suites clean"
exit "$failed"
