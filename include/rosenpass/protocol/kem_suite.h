// The KEM operations the handshake needs, behind one small interface so that tests, the
// recorded-vector replay and benchmarks can substitute their own (protocol.md §2.4, §2.5, §15.2).
#pragma once

#include <cstdint>
#include <span>

#include "rosenpass/crypto/random.h"
#include "rosenpass/kem/kyber512.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::protocol {

namespace kyber = kem::kyber512;
namespace mceliece = kem::mceliece460896;

class KemSuite {
 public:
  virtual ~KemSuite() = default;

  // EKEM (Kyber512 round 3): ephemeral keypair, encapsulation to it, decapsulation.
  virtual void ephemeral_keypair(kyber::PublicKey& pk, kyber::SecretKey& sk,
                                 crypto::RandomSource& rng) const = 0;
  virtual void ephemeral_encaps(kyber::Ciphertext& ct, kyber::SharedKey& shk,
                                std::span<const uint8_t, kyber::kPublicKeySize> pk,
                                crypto::RandomSource& rng) const = 0;
  virtual void ephemeral_decaps(kyber::SharedKey& shk,
                                std::span<const uint8_t, kyber::kCiphertextSize> ct,
                                const kyber::SecretKey& sk) const = 0;

  // SKEM (McEliece 460896). `ct` is 156 bytes (current wire) or 188 bytes (legacy wire,
  // plaintext confirmation); the size selects the variant.
  virtual void static_encaps(std::span<uint8_t> ct, mceliece::SharedKey& shk,
                             mceliece::PublicKeyView pk, crypto::RandomSource& rng) const = 0;
  virtual void static_decaps(mceliece::SharedKey& shk, std::span<const uint8_t> ct,
                             const mceliece::SecretKey& sk) const = 0;
};

// The real KEMs (rp_kem_kyber, rp_kem_mceliece). Only available when those are built.
const KemSuite& default_kem_suite();

}  // namespace rosenpass::protocol
