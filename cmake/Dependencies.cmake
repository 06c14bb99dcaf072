# Every dependency is a Debian 12 package; the reason for each is given here.
find_package(PkgConfig REQUIRED)

# libsodium: BLAKE2b (V02 keyed hash), ChaCha20-Poly1305, XChaCha20-Poly1305, locked memory,
# the OS CSPRNG. Audited, constant-time, and what the reference's v0.2 line used.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

# OpenSSL: AES-256 for the NIST KAT DRBG in kat-kem, and an independent SHA3/SHAKE oracle in
# tests and benchmarks. Never on the protocol path.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

# toml++ (header-only): the daemon's TOML configuration, with the strictness the reference has.
find_package(tomlplusplus QUIET)
if(NOT tomlplusplus_FOUND)
  pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
  add_library(tomlplusplus::tomlplusplus ALIAS PkgConfig::TOMLPP)
endif()

# nlohmann-json (header-only): `rosenpass status --json` writes JSON that is correctly escaped
# for any peer id or endpoint text, without hand-written escaping.
find_package(nlohmann_json REQUIRED)

# libmnl: netlink messages for kernel WireGuard, without depending on the `wg` program.
pkg_check_modules(MNL REQUIRED IMPORTED_TARGET libmnl)

# libseccomp: the system-call allow-list the daemon and the brokers install after set-up
# (src/hardening/sandbox.cpp); writing BPF by hand per architecture is what it exists to avoid.
# Used at build time only: rp_seccomp_bpf_gen compiles the filters to BPF (libseccomp's
# seccomp_export_bpf), so the installed programs neither link nor load it (issue 12: start-up).
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)

# GoogleTest and Google Benchmark: tests and benchmarks (RP_BUILD_TESTS, on by default; a
# user who only wants the programs can build without them).
if(RP_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark REQUIRED)
  include(GoogleTest)
endif()
find_package(Threads REQUIRED)

# Not needed to build; used by tests and CI (scripts/install-deps.sh installs them):
# - golang-go: the Go package (bindings/go) and its tests, which wrap the C API for Go hosts
#   such as NetBird; standard library only, so no module downloads.
# - abigail-tools: abidw/abidiff compare librosenpass's exported ABI with the stored baseline
#   (scripts/check-abi.sh), so an accidental ABI break fails CI.
# Test-only programs (scripts/install-deps.sh), found at test time, not by CMake: bash with
# bash-completion, zsh and fish run the `--print-completions` scripts as a user's shell would
# (tests skip a shell that is missing); `wg` (wireguard-tools) is the oracle for extra_params.
