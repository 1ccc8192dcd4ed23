#!/usr/bin/env bash
# The first demo (the main job is now scripts/demo.sh, MySQL -> PostgreSQL ODS): installs what
# it needs, builds, and runs pipelines/github_events.pipe —
# GitHub events (nested actor/repo objects) flattened into user records, validated with
# `require`, written to var/github_events/users.jsonl; bad records go to a dead-letter file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "== building sluice (release)"
bash scripts/build.sh release --target sluice >/dev/null
rm -rf var/github_events
echo "== sluice check pipelines/github_events.pipe"
build/sluice check pipelines/github_events.pipe
echo "== sluice run pipelines/github_events.pipe"
build/sluice run pipelines/github_events.pipe
echo
echo "== results"
users=var/github_events/users.jsonl
dlq=var/github_events/dlq.jsonl
echo "records written : $(wc -l < "$users") ($users)"
echo "dead letters    : $( [ -f "$dlq" ] && wc -l < "$dlq" || echo 0) ($dlq)"
echo "first records:"
head -n 3 "$users"
if [ -s "$dlq" ]; then
  echo "first dead letter:"
  head -n 1 "$dlq"
fi
