// Kyber512 as submitted to NIST round 3 (v3.02, 2021-08-04): Rosenpass's ephemeral KEM.
// Not ML-KEM (FIPS 203), whose hashing differs. Byte formats are those of the round-3
// reference implementation (and liboqs "Kyber512").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secret.h"

namespace rosenpass::kem::kyber512 {

inline constexpr std::size_t kPublicKeySize = 800;
inline constexpr std::size_t kSecretKeySize = 1632;
inline constexpr std::size_t kCiphertextSize = 768;
inline constexpr std::size_t kSharedKeySize = 32;

using PublicKey = std::array<uint8_t, kPublicKeySize>;
using SecretKey = crypto::Secret<kSecretKeySize>;
using Ciphertext = std::array<uint8_t, kCiphertextSize>;
using SharedKey = crypto::Secret<kSharedKeySize>;

// Draws 64 random bytes from `rng` (d, then z), as the reference implementation does.
void keypair(PublicKey& pk, SecretKey& sk, crypto::RandomSource& rng);

// Draws 32 random bytes from `rng`.
void encaps(Ciphertext& ct, SharedKey& ss, std::span<const uint8_t, kPublicKeySize> pk,
            crypto::RandomSource& rng);

// Never fails: a ciphertext that does not decrypt yields the implicit-rejection key.
void decaps(SharedKey& ss, std::span<const uint8_t, kCiphertextSize> ct, const SecretKey& sk);

}  // namespace rosenpass::kem::kyber512
