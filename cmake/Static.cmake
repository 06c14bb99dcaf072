# -DRP_STATIC=ON: the installed programs linked fully statically (containers from scratch,
# separate key hosts). Every library they link needs a static archive from Debian 12:
#   libsodium   libsodium-dev ships libsodium.a                         ok
#   toml++      header-only mode (TOML_HEADER_ONLY=1) with Debian's headers   ok
#   glibc, libstdc++, libgcc: libc6-dev, libstdc++-12-dev                ok
#   libmnl      libmnl-dev ships only libmnl.so                         MISSING
# So with Debian's packages alone the static build stops here, naming libmnl; pass
# -DRP_MNL_STATIC=/path/to/libmnl.a (built from libmnl's source) to go on.
find_library(RP_SODIUM_STATIC NAMES libsodium.a)
find_library(RP_MNL_STATIC NAMES libmnl.a)
set(_rp_missing)
if(NOT RP_SODIUM_STATIC)
  list(APPEND _rp_missing "libsodium.a (package libsodium-dev)")
endif()
if(NOT RP_MNL_STATIC)
  list(APPEND _rp_missing "libmnl.a: Debian 12's libmnl-dev ships only libmnl.so (netlink to \
WireGuard in rosenpass, rp and the privileged broker). Give one with -DRP_MNL_STATIC=/path/libmnl.a")
endif()
if(_rp_missing)
  list(JOIN _rp_missing "\n  " _rp_missing)
  message(FATAL_ERROR "RP_STATIC=ON needs static libraries that are missing:\n  ${_rp_missing}")
endif()

set_property(TARGET PkgConfig::SODIUM PROPERTY INTERFACE_LINK_LIBRARIES ${RP_SODIUM_STATIC})
set_property(TARGET PkgConfig::SODIUM PROPERTY INTERFACE_LINK_DIRECTORIES "")
set_property(TARGET PkgConfig::SODIUM PROPERTY INTERFACE_LINK_OPTIONS "")
set_property(TARGET PkgConfig::MNL PROPERTY INTERFACE_LINK_LIBRARIES ${RP_MNL_STATIC})
set_property(TARGET PkgConfig::MNL PROPERTY INTERFACE_LINK_DIRECTORIES "")
set_property(TARGET PkgConfig::MNL PROPERTY INTERFACE_LINK_OPTIONS "")

include(${CMAKE_CURRENT_LIST_DIR}/TomlCompiledIn.cmake)

# -static on the installed programs only (tests and benchmarks stay dynamic: Debian has no
# libbenchmark.a). Called from packaging/CMakeLists.txt, after every program exists.
function(rp_link_statically)
  foreach(t ${ARGN})
    if(TARGET ${t})
      target_link_options(${t} PRIVATE -static)
    endif()
  endforeach()
endfunction()
