# cmake -DRP_BUILD_DIR=... -DRP_SOURCE_DIR=... -DRP_OUTPUT=FILE.tar.gz -P make_tarball.cmake
# Installs the runtime component (stripped) for the /usr/local prefix into a staging directory
# and packs it with every varying tar field fixed: names sorted, owner and group 0, mode
# u=rwX,go=rX, mtime = SOURCE_DATE_EPOCH (else the commit time of HEAD), no gzip name/time.
foreach(v RP_BUILD_DIR RP_SOURCE_DIR RP_OUTPUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "make_tarball.cmake: ${v} is not set")
  endif()
endforeach()

if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(epoch "$ENV{SOURCE_DATE_EPOCH}")
else()
  execute_process(COMMAND git -C "${RP_SOURCE_DIR}" log -1 --format=%ct
                  OUTPUT_VARIABLE epoch OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR epoch STREQUAL "")
    message(FATAL_ERROR "make_tarball.cmake: set SOURCE_DATE_EPOCH (no git commit time found)")
  endif()
endif()
if(NOT epoch MATCHES "^[0-9]+$")
  message(FATAL_ERROR "make_tarball.cmake: SOURCE_DATE_EPOCH '${epoch}' is not a number")
endif()

find_program(TAR tar REQUIRED)
find_program(GZIP gzip REQUIRED)
set(stage "${RP_BUILD_DIR}/tarball-stage")
file(REMOVE_RECURSE "${stage}")
set(ENV{DESTDIR} "${stage}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${RP_BUILD_DIR}" --prefix /usr/local
                        --component runtime --strip
                OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
unset(ENV{DESTDIR})

# The tarball is for /usr/local: etc/ (the example config) is in share/doc/rosenpass/examples.
set(root "${stage}/usr/local")
file(REMOVE_RECURSE "${root}/etc")
file(GLOB_RECURSE pages "${root}/share/man/*.[1-8]")
foreach(page IN LISTS pages)
  execute_process(COMMAND ${GZIP} -9nf "${page}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
file(GLOB top RELATIVE "${root}" "${root}/*")
list(SORT top)

execute_process(
  COMMAND ${TAR} --create --format=gnu --sort=name --owner=0 --group=0 --numeric-owner
          --mode=u=rwX,go=rX --mtime=@${epoch} -C "${root}" ${top}
  COMMAND ${GZIP} -9n
  OUTPUT_FILE "${RP_OUTPUT}"
  COMMAND_ERROR_IS_FATAL ANY)
file(SHA256 "${RP_OUTPUT}" sum)
message(STATUS "${RP_OUTPUT}: sha256 ${sum}")
