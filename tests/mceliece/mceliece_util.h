// Helpers for the Classic McEliece tests: the recorded static keys, a reproducible random
// source, and SHAKE256 from OpenSSL as an independent oracle.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <vector>

#include "crypto/test_util.h"
#include "rosenpass/crypto/keccak.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::test {

namespace mce = kem::mceliece460896;

inline mce::SecretKey recorded_sk(const std::string& name) {
  auto sk = mce::secret_key_from_bytes(vector_file(name));
  if (!sk) throw std::runtime_error("bad recorded secret key " + name);
  return std::move(*sk);
}

inline std::unique_ptr<mce::PublicKey> recorded_pk(const std::string& name) {
  const auto bytes = vector_file(name);
  if (bytes.size() != mce::kPublicKeySize) throw std::runtime_error("bad public key " + name);
  auto pk = std::make_unique<mce::PublicKey>();
  std::copy(bytes.begin(), bytes.end(), pk->begin());
  return pk;
}

// Deterministic bytes: SHAKE256 of a label, so failures are reproducible.
class SeededRandom final : public crypto::RandomSource {
 public:
  explicit SeededRandom(std::string_view label) {
    sponge_.absorb(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()));
  }
  void fill(std::span<uint8_t> out) override { sponge_.squeeze(out); }

 private:
  crypto::Shake256 sponge_;
};

// SHAKE256(parts...) truncated to 32 bytes, computed by OpenSSL.
inline std::array<uint8_t, 32> openssl_shake256_32(
    std::initializer_list<std::span<const uint8_t>> parts) {
  std::array<uint8_t, 32> out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_shake256(), nullptr);
  for (auto p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  EVP_DigestFinalXOF(ctx, out.data(), out.size());
  EVP_MD_CTX_free(ctx);
  return out;
}

}  // namespace rosenpass::test
