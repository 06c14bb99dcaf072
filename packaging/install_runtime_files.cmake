# Runs at install time (install(SCRIPT), component runtime), after packaging/CMakeLists.txt set
# RP_PACKAGING_SOURCE_DIR, RP_PACKAGING_BINARY_DIR, RP_INSTALL_BINDIR, RP_INSTALL_DOCDIR and
# RP_SYSTEMD_UNIT_DIR. CMAKE_INSTALL_PREFIX is the real prefix here; file(INSTALL) adds DESTDIR.

set(_prefix "${CMAKE_INSTALL_PREFIX}")
if(NOT IS_ABSOLUTE "${RP_INSTALL_BINDIR}")
  set(RP_BINDIR "${_prefix}/${RP_INSTALL_BINDIR}")
else()
  set(RP_BINDIR "${RP_INSTALL_BINDIR}")
endif()

# Units, with ExecStart= naming the installed programs.
set(_units "${RP_PACKAGING_BINARY_DIR}/units")
file(MAKE_DIRECTORY "${_units}")
foreach(unit rosenpass@.service rp@.service)
  configure_file("${RP_PACKAGING_SOURCE_DIR}/systemd/${unit}.in" "${_units}/${unit}" @ONLY)
endforeach()
file(INSTALL "${_units}/rosenpass@.service" "${_units}/rp@.service"
             "${RP_PACKAGING_SOURCE_DIR}/systemd/rosenpass.target"
     DESTINATION "${_prefix}/${RP_SYSTEMD_UNIT_DIR}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# /etc/rosenpass/example.toml (the rp@example configuration, as the reference's packages).
if(_prefix STREQUAL "/usr")
  set(_sysconf "/etc")
else()
  set(_sysconf "${_prefix}/etc")
endif()
file(INSTALL "${RP_PACKAGING_SOURCE_DIR}/examples/example.toml"
     DESTINATION "${_sysconf}/rosenpass"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Examples and the copyright notice.
file(INSTALL "${RP_PACKAGING_SOURCE_DIR}/examples/wg0.toml"
             "${RP_PACKAGING_SOURCE_DIR}/examples/example.toml"
             "${RP_PACKAGING_SOURCE_DIR}/systemd/rosenpass-api.conf"
     DESTINATION "${_prefix}/${RP_INSTALL_DOCDIR}/examples"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${RP_PACKAGING_SOURCE_DIR}/deb/copyright"
     DESTINATION "${_prefix}/${RP_INSTALL_DOCDIR}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
