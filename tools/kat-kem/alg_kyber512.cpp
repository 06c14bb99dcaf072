// kat-kem Kyber512: liboqs's single-entry known answer for Kyber512 round 3.
#include <algorithm>

#include "kem_algorithm.h"
#include "rosenpass/kem/kyber512.h"

namespace rosenpass::kat {
namespace {

namespace k = kem::kyber512;

void keypair(std::span<uint8_t> pk, std::span<uint8_t> sk, crypto::RandomSource& rng) {
  k::PublicKey public_key;
  k::SecretKey secret_key;
  k::keypair(public_key, secret_key, rng);
  std::ranges::copy(public_key, pk.begin());
  std::ranges::copy(secret_key.reveal(), sk.begin());
}

void encaps(std::span<uint8_t> ct, std::span<uint8_t> ss, std::span<const uint8_t> pk,
            crypto::RandomSource& rng) {
  k::Ciphertext ciphertext;
  k::SharedKey shared;
  k::encaps(ciphertext, shared, pk.first<k::kPublicKeySize>(), rng);
  std::ranges::copy(ciphertext, ct.begin());
  std::ranges::copy(shared.reveal(), ss.begin());
}

void decaps(std::span<uint8_t> ss, std::span<const uint8_t> ct, std::span<const uint8_t> sk) {
  auto secret_key = k::SecretKey::from(sk.first<k::kSecretKeySize>());
  k::SharedKey shared;
  k::decaps(shared, ct.first<k::kCiphertextSize>(), secret_key);
  std::ranges::copy(shared.reveal(), ss.begin());
}

}  // namespace

extern const KemAlgorithm kKyber512;
const KemAlgorithm kKyber512{"Kyber512",
                             k::kPublicKeySize,
                             k::kSecretKeySize,
                             k::kCiphertextSize,
                             k::kSharedKeySize,
                             kSingleEntry,
                             keypair,
                             encaps,
                             decaps};

}  // namespace rosenpass::kat
