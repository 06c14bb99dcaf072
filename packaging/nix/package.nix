# The Rosenpass C++ package: programs, man pages, completions, systemd units.
# Built like Debian builds it (Release, CMake, Ninja); the tests are not run here (they need
# network namespaces and Node.js), so the checkPhase is off.
{ lib, stdenv, cmake, ninja, pkg-config, libsodium, openssl, tomlplusplus, libmnl, gtest
, gbenchmark, src ? ../.., version ? "0.1.0" }:

stdenv.mkDerivation {
  pname = "rosenpass-cpp";
  inherit version src;

  nativeBuildInputs = [ cmake ninja pkg-config ];
  buildInputs = [ libsodium openssl tomlplusplus libmnl gtest gbenchmark ];

  cmakeFlags = [
    "-DCMAKE_BUILD_TYPE=Release"
    # The units' ExecStart= then names $out/bin/rosenpass.
    "-DRP_SYSTEMD_UNIT_DIR=lib/systemd/system"
  ];
  # Only what is installed: not the tests and benchmarks.
  ninjaFlags = [ "rosenpass" "rp" "rosenpass-wireguard-broker-privileged"
                 "rosenpass-wireguard-broker-socket-handler" "rosenpass_man_pages"
                 "rosenpass_completions" ];
  doCheck = false;

  meta = {
    description = "Post-quantum-secure key exchange for WireGuard (C++ implementation)";
    homepage = "https://rosenpass.eu";
    mainProgram = "rosenpass";
    platforms = lib.platforms.linux;
  };
}
