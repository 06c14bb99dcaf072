// Kyber512 keypair / encaps / decaps with the system CSPRNG (as Rosenpass runs them).
#include <benchmark/benchmark.h>

#include "rosenpass/kem/kyber512.h"

namespace {

using namespace rosenpass::kem::kyber512;
using rosenpass::crypto::system_random;

void BM_Kyber512Keypair(benchmark::State& state) {
  PublicKey pk;
  SecretKey sk;
  for (auto _ : state) {
    keypair(pk, sk, system_random());
    benchmark::DoNotOptimize(pk.data());
  }
}
BENCHMARK(BM_Kyber512Keypair);

void BM_Kyber512Encaps(benchmark::State& state) {
  PublicKey pk;
  SecretKey sk;
  keypair(pk, sk, system_random());
  Ciphertext ct;
  SharedKey ss;
  for (auto _ : state) {
    encaps(ct, ss, pk, system_random());
    benchmark::DoNotOptimize(ct.data());
  }
}
BENCHMARK(BM_Kyber512Encaps);

void BM_Kyber512Decaps(benchmark::State& state) {
  PublicKey pk;
  SecretKey sk;
  keypair(pk, sk, system_random());
  Ciphertext ct;
  SharedKey ss, opened;
  encaps(ct, ss, pk, system_random());
  for (auto _ : state) {
    decaps(opened, ct, sk);
    benchmark::DoNotOptimize(opened.reveal().data());
  }
}
BENCHMARK(BM_Kyber512Decaps);

}  // namespace
