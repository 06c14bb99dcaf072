#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds (release with assertions), runs ctest.
# Usage (as root): scripts/test.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/as-root.sh
build=${1:-build}
shift || true
scripts/install-deps.sh
if [ -f tests/oracle/package-lock.json ]; then
  npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error
  export RP_REQUIRE_ORACLE=1
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithAsserts "$@"
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j2 ${RP_CTEST_ARGS:-}
