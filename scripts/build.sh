#!/usr/bin/env bash
# Configures and builds Sluice. Usage: scripts/build.sh [release|asan|tsan] [cmake --build args]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null; then
  # ccache (when installed) makes rebuilds and builds in other worktrees cheap.
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$PWD")}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
# Every build compiles in unity batches of 16 sources (DuckDB builds so too): a release build
# from scratch takes 8 minutes on 2 cores instead of 18. SLUICE_UNITY=OFF builds release one
# source at a time (what shows a header that lacks an #include of its own).
unity=${SLUICE_UNITY:-ON}
case "$kind" in
  release) dir=build; cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_UNITY="$unity" \
             "${launcher[@]}" >/dev/null ;;
  # The sanitizer builds always compile in unity batches. ASan (-O0) keeps line tables
  # only (-g1: file and line in every report, less compile and link time); TSan keeps full
  # debug info, whose inlined frames its CAF suppressions match.
  asan)    dir=build-asan; cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON \
             -DSLUICE_UNITY=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1 "${launcher[@]}" >/dev/null ;;
  tsan)    dir=build-tsan; cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_TSAN=ON \
             -DSLUICE_UNITY=ON "${launcher[@]}" >/dev/null ;;
  *) echo "usage: scripts/build.sh [release|asan|tsan]" >&2; exit 2 ;;
esac
shift || true
cmake --build "$dir" -j"$jobs" "$@"
