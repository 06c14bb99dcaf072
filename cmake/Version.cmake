# The project version (project() in CMakeLists.txt) is the one source of truth: programs read
# it from a generated header (target rp_version: #include "rosenpass/version.h"), CPack and the
# pkg-config/CMake package files from PROJECT_VERSION. The files written by hand that name it
# (man page headers, the Nix package's default) are checked here, so they cannot drift.
set(RP_VERSION_INCLUDE_DIR ${PROJECT_BINARY_DIR}/generated/include)
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.h.in
               ${RP_VERSION_INCLUDE_DIR}/rosenpass/version.h @ONLY)
add_library(rp_version INTERFACE)
target_include_directories(rp_version INTERFACE $<BUILD_INTERFACE:${RP_VERSION_INCLUDE_DIR}>)

foreach(page rosenpass rp rosenpass-wireguard-broker-privileged
             rosenpass-wireguard-broker-socket-handler)
  file(STRINGS ${PROJECT_SOURCE_DIR}/docs/man/${page}.1 th REGEX "^\\.TH ")
  if(NOT th MATCHES "\"rosenpass ${PROJECT_VERSION}\"")
    message(FATAL_ERROR "docs/man/${page}.1: its .TH line must name \"rosenpass "
                        "${PROJECT_VERSION}\" (the project version); found: ${th}")
  endif()
endforeach()
file(STRINGS ${PROJECT_SOURCE_DIR}/packaging/nix/package.nix nix_version REGEX "version \\? \"")
if(NOT nix_version MATCHES "version \\? \"${PROJECT_VERSION}\"")
  message(FATAL_ERROR "packaging/nix/package.nix: the default version must be "
                      "\"${PROJECT_VERSION}\" (the project version); found: ${nix_version}")
endif()
