# bench_daemon: one `rosenpass` daemon with 1,000 peers; start-up time, resident memory
# (anonymous vs file-backed) and handshakes/s with every peer simulated in this process.
if(TARGET rosenpass AND TARGET rp_protocol)
  rp_add_bench(bench_daemon SOURCES ${CMAKE_CURRENT_LIST_DIR}/daemon_scale_bench.cpp
    LIBS rp_daemon rp_protocol rp_kem_mceliece)
  add_dependencies(bench_daemon rosenpass)
  target_compile_definitions(bench_daemon PRIVATE
    RP_ROSENPASS_BIN="$<TARGET_FILE:rosenpass>"
    RP_BENCH_CACHE_DIR="${PROJECT_BINARY_DIR}/bench-cache/daemon-keys")
endif()
# bench_daemon_runtime: issue 12's figures (start-up CPU to the first InitHello, daemon vs
# protocol-core CPU per handshake in one run, N peers initiated by the daemon).
if(TARGET rosenpass AND TARGET rp_protocol)
  rp_add_bench(bench_daemon_runtime SOURCES ${CMAKE_CURRENT_LIST_DIR}/daemon_runtime_bench.cpp
    LIBS rp_daemon rp_protocol rp_kem_mceliece)
  add_dependencies(bench_daemon_runtime rosenpass)
  target_compile_definitions(bench_daemon_runtime PRIVATE
    RP_ROSENPASS_BIN="$<TARGET_FILE:rosenpass>"
    RP_BENCH_CACHE_DIR="${PROJECT_BINARY_DIR}/bench-cache/daemon-keys")
endif()
# The floor of BM_StartupToFirstInitHello: a program that only reads the config and sends one
# datagram, dynamically linked C++ and fully static (run it with RP_BENCH_ROSENPASS=...).
# Not in sanitizer builds: their runtimes cannot link statically and would not be a floor.
if(NOT RP_SANITIZE)
  add_executable(startup_floor_dynamic ${CMAKE_CURRENT_LIST_DIR}/startup_floor.cpp)
  add_executable(startup_floor_static ${CMAKE_CURRENT_LIST_DIR}/startup_floor.cpp)
  target_link_options(startup_floor_static PRIVATE -static)
endif()
# bench_flood: legitimate time-to-key and victim CPU under forged InitHello floods of each wire
# (root, a private network namespace; bench/flood.sh). Minutes: key generation, 9 cases.
if(TARGET rosenpass AND TARGET rp_protocol)
  rp_add_bench(bench_flood SOURCES ${CMAKE_CURRENT_LIST_DIR}/flood_bench.cpp
    LIBS rp_daemon rp_protocol)
  add_dependencies(bench_flood rosenpass)
  target_compile_definitions(bench_flood PRIVATE RP_ROSENPASS_BIN="$<TARGET_FILE:rosenpass>")
endif()
