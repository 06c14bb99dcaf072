# bench_mceliece: Classic McEliece 460896 keypair, encaps and decaps, both wire variants.
rp_add_bench(bench_mceliece SOURCES ${CMAKE_CURRENT_LIST_DIR}/mceliece_bench.cpp
  LIBS rp_kem_mceliece)
# The same without the AVX2 clones, to measure the portable path.
rp_add_bench(bench_mceliece_portable SOURCES ${CMAKE_CURRENT_LIST_DIR}/mceliece_bench.cpp
  LIBS rp_kem_mceliece_portable)
