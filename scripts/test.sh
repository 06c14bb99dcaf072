#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds (release with assertions), runs ctest.
# Usage (as root): scripts/test.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/as-root.sh
build=${1:-build}
shift || true
scripts/install-deps.sh
# The liboqs differential oracle is the one test input not in the repository: npm fetches
# the pinned package (tests/oracle/package-lock.json). Offline, its two tests skip with a
# warning here; CI (CI=true) must have it.
if [ -f tests/oracle/package-lock.json ]; then
  if npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error; then
    export RP_REQUIRE_ORACLE=1
  elif [ -n "${CI:-}" ]; then
    echo "test.sh: npm ci in tests/oracle failed; CI needs the liboqs oracle" >&2
    exit 1
  else
    echo "test.sh: warning: could not fetch the liboqs oracle (npm ci in tests/oracle; no network?)." >&2
    echo "test.sh: its two tests (kyber512_liboqs_oracle, mceliece460896_liboqs_oracle) will be skipped." >&2
  fi
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithAsserts "$@"
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j2 ${RP_CTEST_ARGS:-}
