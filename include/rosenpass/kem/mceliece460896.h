// Classic McEliece 460896 (non-"f"): Rosenpass's static KEM, in its two wire variants.
//
// - current: ciphertext 156 bytes, the round-4 specification as liboqs >= 0.9 ships it
//   (Rust reference main branch);
// - confirmed: ciphertext 188 bytes = C0 (156) || C1 = SHAKE256(2||e)[0..32], session key
//   SHAKE256(1||e||C0||C1)[0..32] (Rust v0.2.x, go-rosenpass).
// Key generation and both key formats are shared by the two variants.
//
// Public keys are 512 KiB: keep them on the heap or memory-mapped, and pass spans.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secret.h"

namespace rosenpass::kem::mceliece460896 {

inline constexpr std::size_t kPublicKeySize = 524160;
inline constexpr std::size_t kSecretKeySize = 13608;        // delta||c||g||alpha||s
inline constexpr std::size_t kLegacySecretKeySize = 13568;  // s||g||alpha (Rust v0.2.x files)
inline constexpr std::size_t kCiphertextSize = 156;
inline constexpr std::size_t kConfirmedCiphertextSize = 188;
inline constexpr std::size_t kSharedKeySize = 32;

using PublicKey = std::array<uint8_t, kPublicKeySize>;
using PublicKeyView = std::span<const uint8_t, kPublicKeySize>;
using SecretKey = crypto::Secret<kSecretKeySize>;
using Ciphertext = std::array<uint8_t, kCiphertextSize>;
using ConfirmedCiphertext = std::array<uint8_t, kConfirmedCiphertextSize>;
using SharedKey = crypto::Secret<kSharedKeySize>;

// Draws the 32-byte seed delta from `rng` and derives everything from it (with the
// specification's retries). `pk` should live on the heap.
void keypair(PublicKey& pk, SecretKey& sk, crypto::RandomSource& rng);

// Deterministic key generation from a seed delta (e.g. the first 32 bytes of a secret key).
void keypair_from_seed(PublicKey& pk, SecretKey& sk, std::span<const uint8_t, 32> delta);

void encaps(Ciphertext& ct, SharedKey& ss, PublicKeyView pk, crypto::RandomSource& rng);
void decaps(SharedKey& ss, std::span<const uint8_t, kCiphertextSize> ct, const SecretKey& sk);

void encaps_confirmed(ConfirmedCiphertext& ct, SharedKey& ss, PublicKeyView pk,
                      crypto::RandomSource& rng);
void decaps_confirmed(SharedKey& ss, std::span<const uint8_t, kConfirmedCiphertextSize> ct,
                      const SecretKey& sk);

// Reads a secret-key file's bytes in either layout (13,608 or 13,568 bytes); nullopt for any
// other size. A legacy key gets delta = 0 and the non-"f" pivot field.
std::optional<SecretKey> secret_key_from_bytes(std::span<const uint8_t> bytes);

// The 13,568-byte s||g||alpha layout that Rust v0.2.x reads and writes.
crypto::Secret<kLegacySecretKeySize> to_legacy_layout(const SecretKey& sk);

}  // namespace rosenpass::kem::mceliece460896
