# Debian packages with CPack's DEB generator, from an existing build tree:
#   cpack --config BUILD/CPackConfig.cmake -B OUTDIR      (scripts/check-package.sh runs it)
# CPack rather than debian/ + dpkg-buildpackage: it packages the build tree CI already has
# (dpkg-buildpackage would configure and compile everything a second time, ~10 min of CI on
# two cores), splits packages along the install components the CMake files already declare,
# and needs no debhelper. What debhelper would add (compressed man pages, changelog, stripped
# binaries, conffiles, shlib dependencies) is done below and in deb_prebuild.cmake.

set(RP_DEB_MAINTAINER "Rosenpass C++ packagers <packaging@rosenpass-cpp.example.org>"
    CACHE STRING "Maintainer field of the Debian packages")

set(CPACK_PACKAGE_NAME rosenpass)
set(CPACK_PACKAGE_VENDOR "Rosenpass C++")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${RP_DEB_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://rosenpass.eu")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 1)

# One package per install component that has files (see packaging/CMakeLists.txt). This file
# is included from the last directory of the tree, so every install() rule is known here.
get_cmake_property(RP_INSTALL_COMPONENTS COMPONENTS)
set(CPACK_COMPONENTS_ALL)
foreach(component runtime dev)
  if(component IN_LIST RP_INSTALL_COMPONENTS)
    list(APPEND CPACK_COMPONENTS_ALL ${component})
  endif()
endforeach()
list(REMOVE_ITEM RP_INSTALL_COMPONENTS runtime dev)
if(RP_INSTALL_COMPONENTS)
  message(WARNING "install() rules outside the runtime/dev components are not packaged: "
                  "${RP_INSTALL_COMPONENTS}")
endif()
set(CPACK_DEB_COMPONENT_INSTALL ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${RP_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://rosenpass.eu")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME rosenpass)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION net)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "wireguard-tools, iproute2")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_SOURCE_DIR}/deb/conffiles")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
"post-quantum-secure key exchange for WireGuard
Rosenpass runs beside WireGuard and supplies it with a fresh pre-shared key
about every two minutes, derived with post-quantum key encapsulation
(Classic McEliece and Kyber), so a recorded WireGuard session stays
confidential against a future quantum computer.
.
This package contains the rosenpass daemon, the rp frontend, the privilege
separated PSK brokers, systemd units (rosenpass@.service, rp@.service,
rosenpass.target), man pages, shell completions and an example configuration.
It is a C++ implementation, compatible with the Rust reference on the wire and
in its files.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME librosenpass-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "rosenpass (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_DEV_DESCRIPTION
"post-quantum-secure key exchange for WireGuard (development files)
Headers, static library, CMake package and pkg-config file of librosenpass,
the C API of the Rosenpass C++ implementation.")

# Compressed man pages and changelog: deb_prebuild.cmake, run on the staging tree.
string(TIMESTAMP RP_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deb/changelog.in
               ${CMAKE_CURRENT_BINARY_DIR}/deb/changelog @ONLY)
set(RP_DEB_CHANGELOG ${CMAKE_CURRENT_BINARY_DIR}/deb/changelog)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/deb_prebuild.cmake)
set(CPACK_RP_DEB_CHANGELOG ${RP_DEB_CHANGELOG})

include(CPack)
