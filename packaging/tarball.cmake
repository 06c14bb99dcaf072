# Release tarball: `cmake --build BUILD --target release-tarball` writes
# BUILD/rosenpass-<version>-<arch>-linux.tar.gz with bin/, lib/systemd/system/, share/man/,
# share/doc/, completions: the runtime component installed for the /usr/local prefix (unpack
# it there: `tar -C /usr/local -xzf ...`). Reproducible: same build tree and SOURCE_DATE_EPOCH
# give the same bytes (make_tarball.cmake); the binaries themselves do not depend on the
# build directory (-ffile-prefix-map, CMakeLists.txt).
set(RP_TARBALL_NAME "rosenpass-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}-linux.tar.gz")
set(RP_TARBALL_TARGETS rosenpass rp rosenpass-wireguard-broker-privileged
    rosenpass-wireguard-broker-socket-handler rosenpass_man_pages rosenpass_completions)
set(_deps)
foreach(t IN LISTS RP_TARBALL_TARGETS)
  if(TARGET ${t})
    list(APPEND _deps ${t})
  endif()
endforeach()
add_custom_target(release-tarball
  COMMAND ${CMAKE_COMMAND} -DRP_BUILD_DIR=${PROJECT_BINARY_DIR}
          -DRP_SOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DRP_OUTPUT=${PROJECT_BINARY_DIR}/${RP_TARBALL_NAME}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/make_tarball.cmake
  DEPENDS ${_deps}
  COMMENT "release tarball ${RP_TARBALL_NAME}"
  VERBATIM USES_TERMINAL)
