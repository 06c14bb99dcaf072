#!/usr/bin/env bash
# CI: the C API's thread-safety test under ThreadSanitizer. Builds only librosenpass and
# tests/capi/capi_threads_test with clang -fsanitize=thread (in BUILD_DIR, default
# build-tsan), then runs it: any data race reported fails.
# Usage: scripts/check-tsan.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-tsan}
flags="-fsanitize=thread -fno-omit-frame-pointer"
mkdir -p "$build"
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithAsserts \
  -DRP_WERROR=ON "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
  >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target capi_threads_test >"$build/build.log" 2>&1 ||
  { tail -n 60 "$build/build.log"; exit 1; }
TSAN_OPTIONS="halt_on_error=1 abort_on_error=0 exitcode=66 second_deadlock_stack=1" \
  "$build/tests/capi/capi_threads_test" tests/data/test-vectors
