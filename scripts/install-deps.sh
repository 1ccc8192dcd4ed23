#!/usr/bin/env bash
# Installs every Debian 12 package Sluice needs to build, test and run its demo.
# Idempotent: skips apt entirely when everything is already present.
set -euo pipefail
PKGS=(build-essential cmake ninja-build pkg-config
      libcaf-dev librdkafka-dev libpqxx-dev libpq-dev libmariadb-dev
      libcaf-openssl0.17 libssl-dev libantlr4-runtime-dev antlr4 libjemalloc-dev libboost-test-dev libmongoc-dev libbson-dev zlib1g-dev libzstd-dev libcpp-httplib-dev librocksdb-dev libavro-dev libthrift-dev
      postgresql mariadb-server mariadb-client python3
      docker-compose graphviz python3-yaml openssl kcat clang-format clang-tidy-14
      clang-14 libclang-rt-14-dev llvm-14)  # fuzzing: libFuzzer, sanitizers, llvm-symbolizer
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged servers start themselves on install; tests run private instances.
$SUDO systemctl disable --now mariadb >/dev/null 2>&1 || true
echo "install-deps: done"
