// Classic McEliece 460896 in kat-kem: the current 156-byte variant (liboqs's single entry)
// and the 188-byte plaintext-confirmation variant (ten records of the NIST .rsp file).
#include <algorithm>
#include <memory>

#include "kem_algorithm.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::kat {
namespace {

namespace mce = kem::mceliece460896;

void keypair(std::span<uint8_t> pk, std::span<uint8_t> sk, crypto::RandomSource& rng) {
  auto key = std::make_unique<mce::PublicKey>();  // 512 KiB: never on the stack
  mce::SecretKey secret;
  mce::keypair(*key, secret, rng);
  std::copy(key->begin(), key->end(), pk.begin());
  std::copy(secret.reveal().begin(), secret.reveal().end(), sk.begin());
}

mce::PublicKeyView pk_view(std::span<const uint8_t> pk) {
  return mce::PublicKeyView(pk.data(), mce::kPublicKeySize);
}

void encaps(std::span<uint8_t> ct, std::span<uint8_t> ss, std::span<const uint8_t> pk,
            crypto::RandomSource& rng) {
  mce::Ciphertext c;
  mce::SharedKey key;
  mce::encaps(c, key, pk_view(pk), rng);
  std::copy(c.begin(), c.end(), ct.begin());
  std::copy(key.reveal().begin(), key.reveal().end(), ss.begin());
}

void decaps(std::span<uint8_t> ss, std::span<const uint8_t> ct, std::span<const uint8_t> sk) {
  auto secret = mce::secret_key_from_bytes(sk);
  if (!secret) return;  // sizes are fixed by the table; cannot happen
  mce::SharedKey key;
  mce::decaps(key, ct.first<mce::kCiphertextSize>(), *secret);
  std::copy(key.reveal().begin(), key.reveal().end(), ss.begin());
}

void encaps_confirmed(std::span<uint8_t> ct, std::span<uint8_t> ss, std::span<const uint8_t> pk,
                      crypto::RandomSource& rng) {
  mce::ConfirmedCiphertext c;
  mce::SharedKey key;
  mce::encaps_confirmed(c, key, pk_view(pk), rng);
  std::copy(c.begin(), c.end(), ct.begin());
  std::copy(key.reveal().begin(), key.reveal().end(), ss.begin());
}

void decaps_confirmed(std::span<uint8_t> ss, std::span<const uint8_t> ct,
                      std::span<const uint8_t> sk) {
  auto secret = mce::secret_key_from_bytes(sk);
  if (!secret) return;
  mce::SharedKey key;
  mce::decaps_confirmed(key, ct.first<mce::kConfirmedCiphertextSize>(), *secret);
  std::copy(key.reveal().begin(), key.reveal().end(), ss.begin());
}

}  // namespace

extern const KemAlgorithm kMcEliece460896{"Classic-McEliece-460896",
                                          mce::kPublicKeySize,
                                          mce::kSecretKeySize,
                                          mce::kCiphertextSize,
                                          mce::kSharedKeySize,
                                          kSingleEntry,
                                          keypair,
                                          encaps,
                                          decaps};

// The .rsp file of the plaintext-confirmation variant: header line, then ten records each
// followed by an empty line.
extern const KemAlgorithm kMcEliece460896Confirmed{"Classic-McEliece-460896-pc",
                                                   mce::kPublicKeySize,
                                                   mce::kSecretKeySize,
                                                   mce::kConfirmedCiphertextSize,
                                                   mce::kSharedKeySize,
                                                   {10, "# kem/mceliece460896\n\n", true},
                                                   keypair,
                                                   encaps_confirmed,
                                                   decaps_confirmed};

}  // namespace rosenpass::kat
