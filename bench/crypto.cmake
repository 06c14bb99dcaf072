rp_add_bench(bench_crypto SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_crypto.cpp LIBS rp_crypto OpenSSL::Crypto)
