#!/usr/bin/env bash
# Legitimate time-to-key and the victim daemon's CPU share under forged InitHello floods
# (legacy 1092-byte and V02 1060-byte, valid macs, 500 source addresses) at 3k/s, 30k/s and
# line rate, in a private network namespace (root). Figures for docs/dos.md.
#   bench/flood.sh [build-dir]
set -euo pipefail
build="${1:-build}"
cmake --build "$build" --target test_flood_netns rosenpass >/dev/null
RP_FLOOD_BENCH=1 nice -n 19 "$build/tests/daemon/test_flood_netns" --gtest_filter='Flooded.Sweep'
