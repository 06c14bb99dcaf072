# bench_protocol: full handshakes per second per wire profile (both roles in one process), and
# in the same run the unavoidable parts, so the overhead ratio can be reported.
rp_add_bench(bench_protocol SOURCES ${CMAKE_CURRENT_LIST_DIR}/protocol_bench.cpp
  LIBS rp_protocol)
# bench_dos: CPU per forged InitHello (valid mac, random ciphertexts) per wire, loaded or not.
rp_add_bench(bench_dos SOURCES ${CMAKE_CURRENT_LIST_DIR}/dos_bench.cpp LIBS rp_protocol)
