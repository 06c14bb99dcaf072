rp_add_bench(bench_kyber SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/kyber_bench.cpp LIBS rp_kem_kyber)
