#!/usr/bin/env bash
# README command (a): install dependencies, build, and run a two-peer key exchange on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/as-root.sh
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithAsserts >/dev/null
cmake --build build -j"$(nproc)" --target rosenpass
tools/demo/two-peer-demo.sh build/tools/rosenpass/rosenpass
