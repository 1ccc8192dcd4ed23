#!/usr/bin/env bash
# clang-tidy (the curated checks of .clang-tidy) over every production C++ source, using the
# release build's compile_commands.json; any finding fails. Run scripts/build.sh first.
#   bash scripts/tidy.sh            every production source
#   bash scripts/tidy.sh FILE...    just these
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/compile_commands.json ]; then
  echo "tidy: build/compile_commands.json is missing: run scripts/build.sh release first" >&2
  exit 2
fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  # Not the three files that include the ANTLR runtime: its Debian headers do not compile
  # with clang 14 (dfa::Vocabulary in InterpreterDataReader.h), so clang-tidy cannot read them.
  mapfile -t files < <(git ls-files 'base/*.cpp' 'dsl/*.cpp' 'engine/*.cpp' 'operators/*.cpp' \
    'cluster/*.cpp' 'reconcile/*.cpp' 'runtime/*.cpp' |
    grep -v '^dsl/\(parser\|ast_builder\|keywords\)\.cpp$')
fi
start=$(date +%s)
# run-clang-tidy runs one clang-tidy per file on every core and exits non-zero on a finding.
# The build's GCC-only warning flags mean nothing to clang: -Wno-unknown-warning-option.
run-clang-tidy-14 -p build -quiet -j "$(nproc)" -extra-arg=-Wno-unknown-warning-option \
  "${files[@]}" 2>&1 |
  grep -v '^[0-9]* warnings\? generated\.$\|^Suppressed \|^Use -header-filter\|^Running clang-tidy' \
  > build/tidy.log || true
if grep -q 'error:\|warning:' build/tidy.log; then
  grep -A3 'error:\|warning:' build/tidy.log | head -200
  echo "tidy: findings above (all of them in build/tidy.log)" >&2
  exit 1
fi
echo "tidy: ${#files[@]} files clean in $(( $(date +%s) - start ))s"
