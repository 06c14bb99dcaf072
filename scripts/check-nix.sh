#!/usr/bin/env bash
# CI step: the Nix files parse, and the NixOS modules evaluate to the expected units.
#   scripts/check-nix.sh        (installs Debian's nix-bin if missing; no network, no nixpkgs)
# Parses flake.nix, default.nix and packaging/nix/*.nix with `nix-instantiate --parse`, then
# evaluates services.rosenpass and services.rosenpassKeySync against a stub lib
# (packaging/nix/tests/eval.nix). Building the package needs nixpkgs and is not done here.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nix-instantiate >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nix-bin >/dev/null
fi
# A throw-away store and state: nothing is built, nothing of the machine's Nix is touched.
tmp=$(mktemp -d /tmp/rosenpass-nix.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export NIX_STATE_DIR=$tmp/state NIX_LOG_DIR=$tmp/log
export NIX_CONFIG="build-users-group ="
n=0
for f in flake.nix default.nix packaging/nix/*.nix packaging/nix/tests/*.nix; do
  nix-instantiate --parse "$f" >/dev/null
  n=$((n + 1))
done
echo "parsed $n Nix files"
result=$(nix-instantiate --eval --strict packaging/nix/tests/eval.nix)
[[ $result == true ]] || { echo "FAILED: module evaluation gave $result" >&2; exit 1; }
echo "NixOS modules evaluate: services.rosenpass, services.rosenpassKeySync (11 checks)"
