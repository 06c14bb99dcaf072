#!/usr/bin/env bash
# Legitimate time-to-key and the victim daemon's CPU share under forged InitHello floods
# (legacy 1092-byte, V02 and V03 1060-byte, valid macs, 500 source addresses) at 3k/s, 30k/s
# and line rate, in a private network namespace (root). Figures for docs/dos.md; prints the
# load average before and after, since the figures depend on it.
#   bench/flood.sh [build-dir] [extra benchmark flags]
set -euo pipefail
build="${1:-build}"
shift || true
cmake --build "$build" --target bench_flood rosenpass >/dev/null
echo "before: $(uptime)"
nice -n "${NICE:-19}" "$build/bench/bench_flood" "$@"  # NICE=0 for an idle host
echo "after: $(uptime)"
