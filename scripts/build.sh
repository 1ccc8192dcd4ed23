#!/usr/bin/env bash
# Configures and builds Sluice. Usage: scripts/build.sh [release|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=$(nproc)
case "$kind" in
  release) dir=build; cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null ;;
  asan)    dir=build-asan; cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON >/dev/null ;;
  *) echo "usage: scripts/build.sh [release|asan]" >&2; exit 2 ;;
esac
shift || true
cmake --build "$dir" -j"$jobs" "$@"
