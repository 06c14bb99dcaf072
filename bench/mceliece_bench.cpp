// Classic McEliece 460896: key generation, and encapsulation/decapsulation of both variants.
#include <benchmark/benchmark.h>

#include <memory>

#include "rosenpass/kem/mceliece460896.h"

namespace {

namespace mce = rosenpass::kem::mceliece460896;
using rosenpass::crypto::system_random;

struct KeyPair {
  KeyPair() : pk(std::make_unique<mce::PublicKey>()) { mce::keypair(*pk, sk, system_random()); }
  std::unique_ptr<mce::PublicKey> pk;
  mce::SecretKey sk;
};

KeyPair& shared_keypair() {
  static KeyPair kp;
  return kp;
}

void BM_Keypair(benchmark::State& state) {
  auto pk = std::make_unique<mce::PublicKey>();
  mce::SecretKey sk;
  for (auto _ : state) {
    mce::keypair(*pk, sk, system_random());
    benchmark::DoNotOptimize(pk->data());
  }
}
BENCHMARK(BM_Keypair)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_Encaps(benchmark::State& state) {
  auto& kp = shared_keypair();
  mce::Ciphertext ct;
  mce::SharedKey ss;
  for (auto _ : state) {
    mce::encaps(ct, ss, *kp.pk, system_random());
    benchmark::DoNotOptimize(ct.data());
  }
}
BENCHMARK(BM_Encaps)->Unit(benchmark::kMicrosecond);

void BM_Decaps(benchmark::State& state) {
  auto& kp = shared_keypair();
  mce::Ciphertext ct;
  mce::SharedKey ss;
  mce::encaps(ct, ss, *kp.pk, system_random());
  for (auto _ : state) {
    mce::decaps(ss, ct, kp.sk);
    benchmark::DoNotOptimize(ss.reveal().data());
  }
}
BENCHMARK(BM_Decaps)->Unit(benchmark::kMicrosecond);

void BM_EncapsConfirmed(benchmark::State& state) {
  auto& kp = shared_keypair();
  mce::ConfirmedCiphertext ct;
  mce::SharedKey ss;
  for (auto _ : state) {
    mce::encaps_confirmed(ct, ss, *kp.pk, system_random());
    benchmark::DoNotOptimize(ct.data());
  }
}
BENCHMARK(BM_EncapsConfirmed)->Unit(benchmark::kMicrosecond);

void BM_DecapsConfirmed(benchmark::State& state) {
  auto& kp = shared_keypair();
  mce::ConfirmedCiphertext ct;
  mce::SharedKey ss;
  mce::encaps_confirmed(ct, ss, *kp.pk, system_random());
  for (auto _ : state) {
    mce::decaps_confirmed(ss, ct, kp.sk);
    benchmark::DoNotOptimize(ss.reveal().data());
  }
}
BENCHMARK(BM_DecapsConfirmed)->Unit(benchmark::kMicrosecond);

}  // namespace
