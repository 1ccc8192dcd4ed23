#!/usr/bin/env bash
# clang-tidy (the curated checks of .clang-tidy) over every production C++ source; any finding
# fails. For named files a configure-only build that compiles one source at a time
# (build-tidy-files/); for all of them a configure-only unity build (below).
#   bash scripts/tidy.sh            every production source
#   bash scripts/tidy.sh FILE...    just these
set -euo pipefail
cd "$(dirname "$0")/.."
db=build
extra=()
if [ $# -gt 0 ]; then
  # One source a compilation (the release build compiles unity batches, whose compile commands
  # name no source): a configure-only build of its own, build-tidy-files/.
  files=("$@")
  db=build-tidy-files
  cmake -S . -B "$db" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_UNITY=OFF >/dev/null
  cmake --build "$db" --target sluice_build_info generated/grammar/PipeParser.h >/dev/null
  for f in "${files[@]}"; do
    if ! grep -q "\"file\": \"$(realpath "$f")\"" "$db/compile_commands.json"; then
      echo "tidy: $f is compiled by no target (a header? name its sources)" >&2
      exit 2
    fi
  done
else
  # Every production source, read in the unity batches of a configure-only build (build-tidy/,
  # SLUICE_UNITY): each batch parses the shared headers once, a third of the time of one
  # clang-tidy per source. The sources of a batch are headers to clang-tidy, shown through
  # .clang-tidy's HeaderFilterRegex; bugprone-suspicious-include would name the batch's own
  # #include "x.cpp" lines, so it is off here (scripts/tidy.sh FILE... still runs it).
  # Not the three files that include the ANTLR runtime: its Debian headers do not compile
  # with clang 14 (dfa::Vocabulary in InterpreterDataReader.h), so clang-tidy cannot read them.
  db=build-tidy
  cmake -S . -B "$db" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_UNITY=ON -DSLUICE_TESTS=OFF \
    >/dev/null
  # Only the generated headers the sources include, not a build.
  cmake --build "$db" --target sluice_build_info generated/grammar/PipeParser.h >/dev/null
  mapfile -t files < <(python3 -c '
import json, re, sys
for e in json.load(open(sys.argv[1] + "/compile_commands.json")):
    f = e["file"]
    if "/Unity/unity_" in f or re.search(r"/(base|dsl|engine|operators|cluster|reconcile|runtime)/[^/]*.*\.cpp$", f):
        if "/generated/" not in f and not re.search(r"/dsl/(parser|ast_builder|keywords)\.cpp$", f) \
           and "/bench/" not in f:
            print(f)' "$db")
  extra=(-checks=-bugprone-suspicious-include)
fi
start=$(date +%s)
# run-clang-tidy runs one clang-tidy per file on every core and exits non-zero on a finding.
# The build's GCC-only warning flags mean nothing to clang: -Wno-unknown-warning-option.
run-clang-tidy-14 -p "$db" -quiet "${extra[@]}" -j "$(nproc)" -extra-arg=-Wno-unknown-warning-option \
  "${files[@]}" 2>&1 |
  grep -v '^[0-9]* warnings\? generated\.$\|^Suppressed \|^Use -header-filter\|^Running clang-tidy' \
  > "$db/tidy.log" || true
if grep -q 'error:\|warning:' "$db/tidy.log"; then
  grep -A3 'error:\|warning:' "$db/tidy.log" | head -200
  echo "tidy: findings above (all of them in $db/tidy.log)" >&2
  exit 1
fi
echo "tidy: ${#files[@]} compilations clean in $(( $(date +%s) - start ))s"
