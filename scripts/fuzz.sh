#!/usr/bin/env bash
# Fuzzes the protocol core's datagram handler with libFuzzer under ASan+UBSan.
# Usage: scripts/fuzz.sh [seconds]   (exits non-zero on any finding)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithAsserts \
  -DRP_FUZZ=ON -DRP_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_protocol
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Seeds: the recorded messages behind the fuzzer's control byte (fuzz_protocol.cpp): to
# server B or A (0x40), as recorded or with the mac re-sealed after mutation (0x10).
for f in tests/data/test-vectors/msg*.bin; do
  for c in 00 40 10 50; do
    { printf "\\x$c"; cat "$f"; } >"$corpus/${c}_$(basename "$f")"
  done
done
"$build"/tests/protocol/fuzz_protocol -max_total_time="$seconds" -max_len=2500 \
  -rss_limit_mb=4096 -print_final_stats=1 "$corpus" >"$corpus/log" 2>&1 || {
  tail -n 60 "$corpus/log"
  exit 1
}
tail -n 12 "$corpus/log"
