#!/usr/bin/env bash
# CI: librosenpass's ABI against the stored baseline (src/capi/abi/): the exported symbol list
# must match exactly, and abidiff (abigail-tools) must find no change in the exported
# functions and the types they use. An intended change updates the baseline in the same
# commit (`--update`), and an incompatible one also bumps RP_ABI_MAJOR (src/capi/CMakeLists.txt).
# Usage: scripts/check-abi.sh BUILD_DIR [--update]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [--update]}" && pwd)"
base="$src/src/capi/abi"
tmp=$(mktemp -d /tmp/rosenpass-abi.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cmake --build "$build" --target rp_capi_shared >/dev/null
so="$build/src/capi/librosenpass.so.0"
nm -D --defined-only "$so" | awk '{print $3}' | sort >"$tmp/librosenpass.symbols"
# Only what the C header declares and the library exports; no paths, so any checkout compares.
abidw --headers-dir "$src/include/rosenpass" --drop-private-types --exported-interfaces-only \
  --no-show-locs --no-corpus-path --no-comp-dir-path --out-file "$tmp/librosenpass.abi" "$so"

if [ "${2:-}" = "--update" ]; then
  cp "$tmp/librosenpass.symbols" "$tmp/librosenpass.abi" "$base/"
  echo "baseline updated in $base"
  exit 0
fi
status=0
if ! diff -u "$base/librosenpass.symbols" "$tmp/librosenpass.symbols"; then
  echo "exported symbols differ from src/capi/abi/librosenpass.symbols (above)"
  status=1
fi
# abidiff's exit status is a bit field: 4 = an ABI change, 8 = an incompatible one.
if ! abidiff --no-show-locs "$base/librosenpass.abi" "$tmp/librosenpass.abi"; then
  echo "the ABI differs from src/capi/abi/librosenpass.abi (above)"
  status=1
fi
[ $status -eq 0 ] && echo "ABI matches the baseline ($(wc -l <"$tmp/librosenpass.symbols") symbols)"
exit $status
