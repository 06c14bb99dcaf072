#!/usr/bin/env bash
# CI: librosenpass as hosts get it. Installs BUILD_DIR's library (components runtime + dev) to
# a temporary prefix, checks what was installed, then builds the examples out of tree
# against that prefix only (find_package and pkg-config; shared and static) and runs them.
# Usage: scripts/check-install.sh BUILD_DIR   (a configured build tree of this repository)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)"
tmp=$(mktemp -d /tmp/rosenpass-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

cmake --build "$build" --target rp_capi_shared rp_capi_static >/dev/null
cmake --install "$build" --prefix "$prefix" --component runtime >/dev/null
cmake --install "$build" --prefix "$prefix" --component dev >/dev/null

echo "== installed files"
(cd "$prefix" && find . -type f -o -type l | sort) | tee "$tmp/files"
libdir=$(cd "$prefix" && dirname "$(find . -name 'librosenpass.so.0' | head -n1)")
libdir="$prefix/${libdir#./}"
# Only the C API's headers; the SONAME is versioned; only rosenpass_* is exported.
headers=$(grep '^./include/' "$tmp/files" | sort | tr '\n' ' ')
[ "$headers" = "./include/rosenpass/rosenpass.h ./include/rosenpass/rosenpass.hpp " ] ||
  { echo "unexpected headers installed: $headers"; exit 1; }
grep -q 'SONAME.*\[librosenpass\.so\.0\]' <<<"$(readelf -d "$libdir/librosenpass.so.0")" ||
  { echo "SONAME is not librosenpass.so.0"; exit 1; }
if nm -D --defined-only "$libdir/librosenpass.so.0" | awk '{print $3}' |
  grep -v -e '^rosenpass_' -e '^ROSENPASS_' | grep .; then
  echo "symbols other than rosenpass_* are exported (above)"; exit 1
fi
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pkg-config --validate rosenpass

echo "== examples/c with find_package (shared library)"
cmake -S "$src/examples/c" -B "$tmp/c" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/c" >"$tmp/c.log" 2>&1 || { cat "$tmp/c.log"; exit 1; }
# Captured first: ld.so writes ldd's lines one by one, so `ldd | grep -q` can kill ldd with
# SIGPIPE once grep has its match, and pipefail then reports a failure.
deps=$(ldd "$tmp/c/exchange_c")
grep -q "$libdir/librosenpass.so.0" <<<"$deps" ||
  { echo "exchange_c does not use the installed librosenpass:"; echo "$deps"; exit 1; }
"$tmp/c/exchange_c"

echo "== examples/cpp with find_package (static library)"
cmake -S "$src/examples/cpp" -B "$tmp/cpp" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/cpp" >"$tmp/cpp.log" 2>&1 || { cat "$tmp/cpp.log"; exit 1; }
if grep -q librosenpass <<<"$(readelf -d "$tmp/cpp/exchange_cpp")"; then
  echo "exchange_cpp should be linked statically"; exit 1
fi
"$tmp/cpp/exchange_cpp"

echo "== examples with pkg-config (C shared, C++ shared)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$tmp/exchange_c_pc" "$src/examples/c/exchange.c" \
  $(pkg-config --cflags --libs rosenpass) -Wl,-rpath,"$libdir"
"$tmp/exchange_c_pc"
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Werror -o "$tmp/exchange_cpp_pc" "$src/examples/cpp/exchange.cpp" \
  $(pkg-config --cflags --libs rosenpass) -Wl,-rpath,"$libdir"
"$tmp/exchange_cpp_pc"
echo "== install check passed"
