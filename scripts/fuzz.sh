#!/usr/bin/env bash
# Builds and runs the libFuzzer targets under ASan+UBSan: every executable target whose name
# starts with fuzz_ (discovered from the build, so a new fuzz_* target anywhere is included).
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS  per target (default 60); TARGET... default: all fuzz_* targets, one after another.
# Environment:
#   FUZZ_BUILD_DIR   build directory (default build-fuzz)
#   FUZZ_CORPUS_DIR  keep each target's grown corpus in $FUZZ_CORPUS_DIR/<target> (default:
#                    a temporary directory, removed at the end)
#   FUZZ_JOBS        build parallelism (default: nproc)
# Seeds come from tests/fuzz/corpus/<target>/ (fuzz_protocol: generated from the recorded
# messages in tests/data/test-vectors). Exits non-zero on any finding; the input that
# triggered it is kept in $FUZZ_BUILD_DIR/findings/<target>/ and the log tail is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithAsserts \
  -DRP_FUZZ=ON -DRP_SANITIZE=ON >/dev/null
if (($#)); then
  targets=("$@")
else
  mapfile -t targets < <(ninja -C "$build" -t targets all | sed -n 's/^\(fuzz_[A-Za-z0-9_]*\): phony$/\1/p' | sort -u)
fi
((${#targets[@]})) || { echo "fuzz.sh: no fuzz_* targets in $build" >&2; exit 1; }
cmake --build "$build" -j"${FUZZ_JOBS:-$(nproc)}" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
  bin=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
  [[ -n $bin ]] || { echo "fuzz.sh: $t was not built" >&2; status=1; continue; }
  corpus=${FUZZ_CORPUS_DIR:+$FUZZ_CORPUS_DIR/$t}
  corpus=${corpus:-$work/corpus-$t}
  mkdir -p "$corpus" "$build/findings/$t"
  seeds=()
  [[ -d tests/fuzz/corpus/$t ]] && seeds+=("tests/fuzz/corpus/$t")
  max_len=4096
  if [[ $t == fuzz_protocol ]]; then
    # The recorded messages behind the fuzzer's control byte (fuzz_protocol.cpp): to server B
    # or A (0x40), as recorded or with the mac re-sealed after mutation (0x10).
    mkdir -p "$work/seeds-$t"
    for f in tests/data/test-vectors/msg*.bin; do
      for c in 00 40 10 50; do
        { printf "\\x$c"; cat "$f"; } >"$work/seeds-$t/${c}_$(basename "$f")"
      done
    done
    seeds+=("$work/seeds-$t")
    max_len=2500
  fi
  [[ $t == fuzz_key_files ]] && max_len=14000  # both secret-key layouts fit
  log="$work/$t.log"
  echo "== $t: ${seconds}s"
  if "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$t/" "$corpus" "${seeds[@]}" \
    >"$log" 2>&1; then
    grep -E '^(#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tail -n 3
  else
    tail -n 60 "$log"
    echo "fuzz.sh: FINDING in $t (input kept in $build/findings/$t/)" >&2
    status=1
  fi
done
exit "$status"
