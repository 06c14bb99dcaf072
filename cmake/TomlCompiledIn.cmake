# toml++ compiled into our objects (TOML_HEADER_ONLY=1, Debian's headers) instead of linking
# libtomlplusplus.so, whose imported target then links an empty archive. Used by RP_STATIC and
# RP_STATIC_LIBSTDCXX (a program without libstdc++.so cannot load libtomlplusplus.so, which
# needs it).
get_target_property(_rp_toml tomlplusplus::tomlplusplus ALIASED_TARGET)
if(NOT _rp_toml)
  set(_rp_toml tomlplusplus::tomlplusplus)
endif()
set(_rp_empty_archive ${CMAKE_BINARY_DIR}/librp_empty.a)
file(WRITE ${_rp_empty_archive} "!<arch>\n")
get_target_property(_rp_toml_type ${_rp_toml} TYPE)
if(_rp_toml_type STREQUAL "INTERFACE_LIBRARY")
  set_property(TARGET ${_rp_toml} PROPERTY INTERFACE_LINK_LIBRARIES "")
else()
  set_property(TARGET ${_rp_toml} PROPERTY IMPORTED_LOCATION ${_rp_empty_archive})
endif()
set_property(TARGET ${_rp_toml} PROPERTY INTERFACE_COMPILE_OPTIONS "")
set_property(TARGET ${_rp_toml} PROPERTY INTERFACE_COMPILE_DEFINITIONS TOML_HEADER_ONLY=1)
