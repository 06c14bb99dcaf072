// The production KEMs behind the KemSuite interface.
#include <cstdlib>

#include "rosenpass/protocol/kem_suite.h"

namespace rosenpass::protocol {
namespace {

class RealKems final : public KemSuite {
 public:
  void ephemeral_keypair(kyber::PublicKey& pk, kyber::SecretKey& sk,
                         crypto::RandomSource& rng) const override {
    kyber::keypair(pk, sk, rng);
  }
  void ephemeral_encaps(kyber::Ciphertext& ct, kyber::SharedKey& shk,
                        std::span<const uint8_t, kyber::kPublicKeySize> pk,
                        crypto::RandomSource& rng) const override {
    kyber::encaps(ct, shk, pk, rng);
  }
  void ephemeral_decaps(kyber::SharedKey& shk, std::span<const uint8_t, kyber::kCiphertextSize> ct,
                        const kyber::SecretKey& sk) const override {
    kyber::decaps(shk, ct, sk);
  }
  void static_encaps(std::span<uint8_t> ct, mceliece::SharedKey& shk, mceliece::PublicKeyView pk,
                     crypto::RandomSource& rng) const override {
    if (ct.size() == mceliece::kCiphertextSize) {
      mceliece::Ciphertext c;
      mceliece::encaps(c, shk, pk, rng);
      std::copy(c.begin(), c.end(), ct.begin());
    } else if (ct.size() == mceliece::kConfirmedCiphertextSize) {
      mceliece::ConfirmedCiphertext c;
      mceliece::encaps_confirmed(c, shk, pk, rng);
      std::copy(c.begin(), c.end(), ct.begin());
    } else {
      std::abort();  // unreachable: every caller passes one of the two wire sizes
    }
  }
  void static_decaps(mceliece::SharedKey& shk, std::span<const uint8_t> ct,
                     const mceliece::SecretKey& sk) const override {
    if (ct.size() == mceliece::kCiphertextSize) {
      mceliece::decaps(shk, ct.first<mceliece::kCiphertextSize>(), sk);
    } else if (ct.size() == mceliece::kConfirmedCiphertextSize) {
      mceliece::decaps_confirmed(shk, ct.first<mceliece::kConfirmedCiphertextSize>(), sk);
    } else {
      std::abort();  // unreachable: every caller passes one of the two wire sizes
    }
  }
};

}  // namespace

const KemSuite& default_kem_suite() {
  static const RealKems kems;
  return kems;
}

}  // namespace rosenpass::protocol
