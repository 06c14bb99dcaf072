// Kyber.CCAKEM (specification v3.02, algorithms 7-9): the Fujisaki-Okamoto transform of
// Kyber.CPAPKE with implicit rejection. Round-3 hashing: H = SHA3-256, G = SHA3-512,
// KDF = SHAKE256, and the encapsulation's random bytes are hashed with H before use.
#include "rosenpass/kem/kyber512.h"

#include <algorithm>
#include <array>

#include "indcpa.h"
#include "params.h"
#include "rosenpass/crypto/keccak.h"
#include "wipe.h"

namespace rosenpass::kem::kyber512 {

using namespace detail;

static_assert(kPublicKeySize == kCpaPublicKeyBytes);
static_assert(kSecretKeySize == kKemSecretKeyBytes);
static_assert(kCiphertextSize == kCpaCiphertextBytes);
static_assert(kSharedKeySize == kSymBytes);

namespace {

using Bytes32 = std::array<uint8_t, kSymBytes>;

// Keeps the optimiser from turning mask arithmetic back into a branch.
inline uint8_t value_barrier(uint8_t x) {
  __asm__("" : "+r"(x));
  return x;
}

// 0xff if a == b, else 0x00, reading every byte regardless of where they differ.
uint8_t equal_mask(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  uint8_t difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= a[i] ^ b[i];
  // difference - 1 borrows into bit 8 exactly when difference is 0.
  const uint32_t borrow = (static_cast<uint32_t>(value_barrier(difference)) - 1) >> 8;
  return static_cast<uint8_t>(borrow);
}

// KDF(prekey || H(ct)) = SHAKE256 of both, 32 bytes.
void derive_shared_key(std::span<uint8_t, kSharedKeySize> out, std::span<const uint8_t> prekey,
                       std::span<const uint8_t, kCiphertextSize> ct) {
  const Bytes32 ct_hash = crypto::sha3_256(ct);
  crypto::Shake256 kdf;
  kdf.absorb(prekey);
  kdf.absorb(ct_hash);
  kdf.squeeze(out);
}

// (K_bar, coins) = G(m || H(pk)); `out` is K_bar || coins. Squeezed straight into `out` so
// that no copy of the secret input or output is left on the stack.
void hash_message_and_key(std::array<uint8_t, 2 * kSymBytes>& out,
                          std::span<const uint8_t, kSymBytes> message,
                          std::span<const uint8_t, kSymBytes> public_key_hash) {
  crypto::Sha3_512 g;
  g.absorb(message);
  g.absorb(public_key_hash);
  g.squeeze(out);
}

}  // namespace

void keypair(PublicKey& pk, SecretKey& sk, crypto::RandomSource& rng) {
  const std::span<uint8_t, kSecretKeySize> skb = sk.reveal_mut();

  Bytes32 d;
  WipeOnExit wipe_d(d);
  rng.fill(d);
  cpa_keypair(pk, skb.first<kCpaSecretKeyBytes>(), d);

  // sk = s_hat || pk || H(pk) || z, z drawn after d as the reference implementation does.
  std::copy(pk.begin(), pk.end(), skb.begin() + kSkPublicKeyOffset);
  const Bytes32 pk_hash = crypto::sha3_256(pk);
  std::copy(pk_hash.begin(), pk_hash.end(), skb.begin() + kSkPublicKeyHashOffset);
  rng.fill(skb.subspan<kSkRejectionSeedOffset, kSymBytes>());
}

void encaps(Ciphertext& ct, SharedKey& ss, std::span<const uint8_t, kPublicKeySize> pk,
            crypto::RandomSource& rng) {
  Bytes32 random, message;
  std::array<uint8_t, 2 * kSymBytes> prekey_coins;
  WipeOnExit wipe_random(random), wipe_message(message), wipe_prekey(prekey_coins);

  // Round 3 never uses the generator's output directly: m = H(random).
  rng.fill(random);
  crypto::Sha3_256 h;
  h.absorb(random);
  h.squeeze(message);
  const Bytes32 pk_hash = crypto::sha3_256(pk);
  hash_message_and_key(prekey_coins, message, pk_hash);

  const auto prekey = std::span<const uint8_t, kSymBytes>(prekey_coins.data(), kSymBytes);
  const auto coins =
      std::span<const uint8_t, kSymBytes>(prekey_coins.data() + kSymBytes, kSymBytes);
  cpa_encrypt(ct, pk, message, coins);
  derive_shared_key(ss.reveal_mut(), prekey, ct);
}

void decaps(SharedKey& ss, std::span<const uint8_t, kCiphertextSize> ct, const SecretKey& sk) {
  const std::span<const uint8_t, kSecretKeySize> skb = sk.reveal();
  const auto cpa_sk = skb.first<kCpaSecretKeyBytes>();
  const auto pk = skb.subspan<kSkPublicKeyOffset, kCpaPublicKeyBytes>();
  const auto pk_hash = skb.subspan<kSkPublicKeyHashOffset, kSymBytes>();
  const auto z = skb.subspan<kSkRejectionSeedOffset, kSymBytes>();

  Bytes32 message, prekey;
  std::array<uint8_t, 2 * kSymBytes> prekey_coins;
  Ciphertext reencrypted;
  WipeOnExit wipe_message(message), wipe_prekey(prekey), wipe_pc(prekey_coins),
      wipe_ct(reencrypted);

  cpa_decrypt(message, ct, cpa_sk);
  hash_message_and_key(prekey_coins, message, pk_hash);
  const auto coins =
      std::span<const uint8_t, kSymBytes>(prekey_coins.data() + kSymBytes, kSymBytes);
  cpa_encrypt(reencrypted, pk, message, coins);

  // Implicit rejection: a ciphertext that does not re-encrypt to itself yields
  // KDF(z || H(ct)) instead of KDF(K_bar || H(ct)). Chosen with a mask, not a branch.
  const uint8_t keep = equal_mask(ct, reencrypted);
  for (std::size_t i = 0; i < kSymBytes; ++i) {
    prekey[i] = static_cast<uint8_t>((prekey_coins[i] & keep) | (z[i] & ~keep));
  }
  derive_shared_key(ss.reveal_mut(), prekey, ct);
}

}  // namespace rosenpass::kem::kyber512
