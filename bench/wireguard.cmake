# PSK delivery paths: broker message coding, a broker round trip over a socketpair, kernel
# netlink message encoding.
rp_add_bench(bench_wireguard SOURCES ${CMAKE_CURRENT_LIST_DIR}/wireguard_bench.cpp
             LIBS rp_wireguard)
