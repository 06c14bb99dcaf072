# Installs librosenpass for hosts: components `runtime` (the shared library) and `dev`
# (headers, static library, the .so link, the CMake package and the pkg-config file).
include(CMakePackageConfigHelpers)
set(RP_CMAKE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/rosenpass)

install(TARGETS rp_capi_shared EXPORT rosenpassTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_SKIP)
install(TARGETS rp_capi_shared EXPORT rosenpassTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev NAMELINK_ONLY)
install(TARGETS rp_capi_static EXPORT rosenpassTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
# Only the C API's headers: the C++ layers' headers are internal (their symbols are hidden).
install(FILES ${RP_CAPI_PUBLIC_HEADERS}
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rosenpass COMPONENT dev)

install(EXPORT rosenpassTargets NAMESPACE rosenpass:: FILE rosenpassTargets.cmake
  DESTINATION ${RP_CMAKE_PACKAGE_DIR} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/rosenpassConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/rosenpassConfig.cmake INSTALL_DESTINATION ${RP_CMAKE_PACKAGE_DIR})
# 0.x: only the same minor version is compatible (the SONAME changes with it until 1.0).
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/rosenpassConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/rosenpassConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/rosenpassConfigVersion.cmake
  DESTINATION ${RP_CMAKE_PACKAGE_DIR} COMPONENT dev)

# pkg-config: `pkg-config --libs rosenpass` (shared) or `--static` (the archive's needs).
# The prefix is relative to the .pc file, so `cmake --install --prefix X` (and a moved tree)
# work; an absolute CMAKE_INSTALL_LIBDIR/INCLUDEDIR (GNUInstallDirs allows it) is used as given.
file(RELATIVE_PATH RP_PC_UP /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" RP_PC_UP "${RP_PC_UP}")
set(RP_PC_PREFIX "\${pcfiledir}/${RP_PC_UP}")
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(RP_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(RP_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/rosenpass.pc.in ${CMAKE_CURRENT_BINARY_DIR}/rosenpass.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/rosenpass.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
