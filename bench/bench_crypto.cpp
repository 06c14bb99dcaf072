// Keyed hashes and AEADs, next to the library calls they must keep up with.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <vector>

#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/keyed_hash.h"

namespace rosenpass::crypto {
namespace {

constexpr std::size_t kPublicKeySize = 524160;

std::vector<uint8_t> filler(std::size_t n) {
  std::vector<uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 131 + 7);
  return v;
}

void BM_KeyedHash(benchmark::State& state, HashChoice choice) {
  auto data = filler(static_cast<std::size_t>(state.range(0)));
  std::array<uint8_t, 32> key{}, out;
  for (auto _ : state) {
    keyed_hash(choice, key, data, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK_CAPTURE(BM_KeyedHash, V02_blake2b, HashChoice::kBlake2b)
    ->Arg(32)
    ->Arg(1024)
    ->Arg(kPublicKeySize);
BENCHMARK_CAPTURE(BM_KeyedHash, V03_shake256, HashChoice::kShake256)
    ->Arg(32)
    ->Arg(1024)
    ->Arg(kPublicKeySize);

// Baselines: what the libraries themselves need for the same bytes.
void BM_Libsodium_generichash(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init");
  auto data = filler(kPublicKeySize);
  std::array<uint8_t, 32> key{}, out;
  for (auto _ : state) {
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.data(), key.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPublicKeySize));
}
BENCHMARK(BM_Libsodium_generichash);

void BM_OpenSSL_shake256(benchmark::State& state) {
  auto data = filler(kPublicKeySize);
  std::array<uint8_t, 32> out;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  for (auto _ : state) {
    EVP_DigestInit_ex(ctx, EVP_shake256(), nullptr);
    EVP_DigestUpdate(ctx, data.data(), data.size());
    EVP_DigestFinalXOF(ctx, out.data(), out.size());
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_CTX_free(ctx);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPublicKeySize));
}
BENCHMARK(BM_OpenSSL_shake256);

template <bool kExtended>
void BM_AeadSeal(benchmark::State& state) {
  auto pt = filler(static_cast<std::size_t>(state.range(0)));
  std::vector<uint8_t> out(pt.size() + kAeadTagSize);
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, kExtended ? kXAeadNonceSize : kAeadNonceSize> nonce{};
  for (auto _ : state) {
    if constexpr (kExtended) {
      xaead::seal(out, key, nonce, pt, {});
    } else {
      aead::seal(out, key, nonce, pt, {});
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_AeadSeal<false>)->Arg(100)->Arg(1024);
BENCHMARK(BM_AeadSeal<true>)->Arg(100)->Arg(1024);

template <bool kExtended>
void BM_AeadOpen(benchmark::State& state) {
  auto pt = filler(static_cast<std::size_t>(state.range(0)));
  std::vector<uint8_t> ct(pt.size() + kAeadTagSize), back(pt.size());
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, kExtended ? kXAeadNonceSize : kAeadNonceSize> nonce{};
  if constexpr (kExtended) {
    xaead::seal(ct, key, nonce, pt, {});
  } else {
    aead::seal(ct, key, nonce, pt, {});
  }
  for (auto _ : state) {
    bool ok;
    if constexpr (kExtended) {
      ok = xaead::open(back, key, nonce, ct, {});
    } else {
      ok = aead::open(back, key, nonce, ct, {});
    }
    if (!ok) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(back.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_AeadOpen<false>)->Arg(100)->Arg(1024);
BENCHMARK(BM_AeadOpen<true>)->Arg(100)->Arg(1024);

}  // namespace
}  // namespace rosenpass::crypto
