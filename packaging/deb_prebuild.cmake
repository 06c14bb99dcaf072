# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): runs on the staging tree after the install
# and before the .deb files are made. Does what debhelper would: strip .comment/.note from the
# programs, gzip -9n the man pages, and
# give each package its /usr/share/doc/<package>/{copyright,changelog.gz} (Debian policy 12.5,
# 12.7). gzip -n keeps no name or time stamp, so the bytes depend on the content only.

find_program(RP_GZIP gzip REQUIRED)
find_program(RP_OBJCOPY objcopy REQUIRED)
set(_root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
set(_packages runtime rosenpass dev librosenpass-dev)

foreach(component runtime dev)
  list(FIND _packages ${component} _i)
  math(EXPR _i "${_i} + 1")
  list(GET _packages ${_i} _package)
  set(_tree "${_root}/${component}${CPACK_PACKAGING_INSTALL_PREFIX}")
  if(NOT IS_DIRECTORY "${_root}/${component}")
    continue()
  endif()

  file(GLOB_RECURSE _pages "${_tree}/share/man/*.[1-8]")
  foreach(page IN LISTS _pages)
    execute_process(COMMAND ${RP_GZIP} -9nf "${page}" COMMAND_ERROR_IS_FATAL ANY)
  endforeach()

  # CPack strips the programs; like dh_strip, also drop the compiler's .comment and .note.
  file(GLOB _programs "${_tree}/bin/*")
  foreach(program IN LISTS _programs)
    execute_process(COMMAND ${RP_OBJCOPY} --remove-section=.comment --remove-section=.note
                            "${program}" COMMAND_ERROR_IS_FATAL ANY)
  endforeach()

  set(_doc "${_tree}/share/doc/${_package}")
  file(MAKE_DIRECTORY "${_doc}")
  if(NOT EXISTS "${_doc}/copyright")
    file(COPY_FILE "${CMAKE_CURRENT_LIST_DIR}/deb/copyright" "${_doc}/copyright")
  endif()
  file(COPY_FILE "${CPACK_RP_DEB_CHANGELOG}" "${_doc}/changelog")
  execute_process(COMMAND ${RP_GZIP} -9nf "${_doc}/changelog" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
