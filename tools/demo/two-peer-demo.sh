#!/usr/bin/env bash
# Two-peer Rosenpass demo on loopback: generate two keypairs, start two daemons, show that
# both key files hold the same key, stop them and clean up.
#
#   tools/demo/two-peer-demo.sh [path/to/rosenpass]
#
# Exit status 0 only if both daemons produced the same key and stopped cleanly.
set -euo pipefail

ROSENPASS=${1:-"$(dirname "$0")/../../build/tools/rosenpass/rosenpass"}
[[ -x "$ROSENPASS" ]] || { echo "rosenpass binary not found: $ROSENPASS" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rosenpass-demo.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Two ports in the dynamic range; bind failures would make the daemons exit with an error.
PORT_A=$((20000 + RANDOM % 20000))
PORT_B=$((PORT_A + 1))

echo "== generating two keypairs in $WORK"
"$ROSENPASS" gen-keys --public-key "$WORK/alice.pk" --secret-key "$WORK/alice.sk"
"$ROSENPASS" gen-keys --public-key "$WORK/bob.pk" --secret-key "$WORK/bob.sk"

echo "== starting alice on 127.0.0.1:$PORT_A and bob on 127.0.0.1:$PORT_B"
"$ROSENPASS" exchange secret-key "$WORK/alice.sk" public-key "$WORK/alice.pk" \
  listen "127.0.0.1:$PORT_A" \
  peer public-key "$WORK/bob.pk" endpoint "127.0.0.1:$PORT_B" outfile "$WORK/alice.key" \
  >"$WORK/alice.out" 2>"$WORK/alice.err" &
PIDS+=($!)
"$ROSENPASS" exchange secret-key "$WORK/bob.sk" public-key "$WORK/bob.pk" \
  listen "127.0.0.1:$PORT_B" \
  peer public-key "$WORK/alice.pk" endpoint "127.0.0.1:$PORT_A" outfile "$WORK/bob.key" \
  >"$WORK/bob.out" 2>"$WORK/bob.err" &
PIDS+=($!)

for _ in $(seq 1 300); do  # up to 30 s
  if [[ -s "$WORK/alice.key" && -s "$WORK/bob.key" ]] &&
     cmp -s "$WORK/alice.key" "$WORK/bob.key"; then
    break
  fi
  sleep 0.1
done

echo "== alice's stdout:"; cat "$WORK/alice.out"
echo "== bob's stdout:";   cat "$WORK/bob.out"
echo "== alice.key: $(cat "$WORK/alice.key" 2>/dev/null || echo '<none>')"
echo "== bob.key:   $(cat "$WORK/bob.key" 2>/dev/null || echo '<none>')"

if ! cmp -s "$WORK/alice.key" "$WORK/bob.key" || [[ ! -s "$WORK/alice.key" ]]; then
  echo "FAILED: the key files differ or are missing" >&2
  cat "$WORK/alice.err" "$WORK/bob.err" >&2
  exit 1
fi

echo "== both key files hold the same key; stopping the daemons"
status=0
for pid in "${PIDS[@]}"; do
  kill -TERM "$pid"
  wait "$pid" || status=$?
done
PIDS=()
[[ $status -eq 0 ]] || { echo "FAILED: a daemon exited with status $status" >&2; exit 1; }
echo "OK"
