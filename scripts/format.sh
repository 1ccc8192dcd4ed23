#!/usr/bin/env bash
# clang-format over every C++ source of the project (.clang-format at the root).
#   bash scripts/format.sh          rewrites the files in place
#   bash scripts/format.sh --check  changes nothing; fails naming each file that differs (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' | grep -v '^editors/')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run -Werror "${files[@]}"
  echo "format: ${#files[@]} files agree with .clang-format"
else
  clang-format -i "${files[@]}"
fi
