#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the demo need (run as root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev            # libFuzzer target
  libsodium-dev libssl-dev libtomlplusplus-dev libmnl-dev
  nlohmann-json3-dev                  # `rosenpass status --json`
  libseccomp-dev                      # system-call filter of the daemon and brokers
  libgtest-dev libgmock-dev libbenchmark-dev
  valgrind                            # constant-time (ctgrind) tests
  iproute2 iputils-ping socat         # network-namespace tests
  wireguard-go wireguard-tools        # userspace WireGuard for end-to-end tests; `wg` only to check
  faketime                            # libfaketime: the stale-key VPN test runs rosenpass 10x faster
  golang-go                           # the Go package's tests (bindings/go, cgo over librosenpass)
  abigail-tools                       # abidw/abidiff: librosenpass ABI check (scripts/check-abi.sh)
  bash-completion zsh fish            # the completion tests drive each shell's completer
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Node.js runs the independent KEM oracle (liboqs compiled to WebAssembly) in the tests.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
