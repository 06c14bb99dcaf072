// Deterministic stand-ins for the KEMs, for protocol tests that do not exercise the KEMs
// themselves: a ciphertext is random, the shared key is SHAKE256(key id || ct), and only the
// holder of the secret key (which contains the key id) can recompute it. Wrong or altered
// ciphertexts give unrelated shared keys, as implicit rejection does.
#pragma once

#include <algorithm>
#include <memory>

#include "rosenpass/crypto/keccak.h"
#include "rosenpass/protocol/kem_suite.h"
#include "rosenpass/protocol/server.h"

namespace rosenpass::test {

using namespace rosenpass::protocol;

inline void fake_shared(std::span<uint8_t, 32> out, std::span<const uint8_t> id,
                        std::span<const uint8_t> ct) {
  crypto::Shake256 s;
  s.absorb(id);
  s.absorb(ct);
  s.squeeze(out);
}

class FakeKems final : public KemSuite {
 public:
  // Kyber: pk[0..32) is the key id; the secret key holds the public key at offset 768.
  void ephemeral_keypair(kyber::PublicKey& pk, kyber::SecretKey& sk,
                         crypto::RandomSource& rng) const override {
    rng.fill(pk);
    std::copy(pk.begin(), pk.end(), sk.reveal_mut().begin() + 768);
  }
  void ephemeral_encaps(kyber::Ciphertext& ct, kyber::SharedKey& shk,
                        std::span<const uint8_t, kyber::kPublicKeySize> pk,
                        crypto::RandomSource& rng) const override {
    rng.fill(ct);
    fake_shared(shk.reveal_mut(), pk.first(32), ct);
  }
  void ephemeral_decaps(kyber::SharedKey& shk, std::span<const uint8_t, kyber::kCiphertextSize> ct,
                        const kyber::SecretKey& sk) const override {
    fake_shared(shk.reveal_mut(), sk.reveal().subspan(768, 32), ct);
  }
  // McEliece: pk[0..32) is the key id, also stored at sk[0..32).
  void static_encaps(std::span<uint8_t> ct, mceliece::SharedKey& shk, mceliece::PublicKeyView pk,
                     crypto::RandomSource& rng) const override {
    rng.fill(ct);
    fake_shared(shk.reveal_mut(), pk.first(32), ct);
  }
  void static_decaps(mceliece::SharedKey& shk, std::span<const uint8_t> ct,
                     const mceliece::SecretKey& sk) const override {
    fake_shared(shk.reveal_mut(), sk.reveal().first(32), ct);
  }
};

inline const FakeKems& fake_kems() {
  static const FakeKems k;
  return k;
}

struct FakeStaticKeys {
  PublicKeyRef pk;
  mceliece::SecretKey sk;
};

// A full-size public key (so hashing costs are real) from a seed.
inline FakeStaticKeys fake_static_keys(uint8_t seed) {
  auto pk = std::make_shared<mceliece::PublicKey>();
  std::array<uint8_t, 1> s{seed};
  crypto::shake256(*pk, s);
  FakeStaticKeys k{pk, {}};
  std::copy_n(pk->begin(), 32, k.sk.reveal_mut().begin());
  return k;
}

// A deterministic random source (SHAKE256 stream of a seed), for reproducible simulations.
class SeededRandom final : public crypto::RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) {
    std::array<uint8_t, 8> b;
    for (int i = 0; i < 8; ++i) b[i] = uint8_t(seed >> (8 * i));
    sponge_.absorb(b);
  }
  void fill(std::span<uint8_t> out) override { sponge_.squeeze(out); }

 private:
  crypto::Shake256 sponge_;
};

}  // namespace rosenpass::test
