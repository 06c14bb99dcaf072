// Kyber512 round-3 parameters (specification v3.02, table 1) and the byte sizes they imply.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rosenpass::kem::kyber512::detail {

inline constexpr std::size_t kN = 256;        // coefficients per polynomial
inline constexpr int16_t kQ = 3329;           // the modulus
inline constexpr std::size_t kK = 2;          // module rank
inline constexpr std::size_t kEta1 = 3;       // noise of s, e and r
inline constexpr std::size_t kEta2 = 2;       // noise of e1 and e2
inline constexpr unsigned kDu = 10;           // bits per coefficient of u in the ciphertext
inline constexpr unsigned kDv = 4;            // bits per coefficient of v in the ciphertext
inline constexpr std::size_t kSymBytes = 32;  // seeds, hashes, messages, shared keys

inline constexpr std::size_t kPolyBytes = 12 * kN / 8;                     // 384
inline constexpr std::size_t kPolyVecBytes = kK * kPolyBytes;              // 768
inline constexpr std::size_t kPolyVecCompressedBytes = kK * kDu * kN / 8;  // 640
inline constexpr std::size_t kPolyCompressedBytes = kDv * kN / 8;          // 128

inline constexpr std::size_t kCpaPublicKeyBytes = kPolyVecBytes + kSymBytes;  // t_hat || rho
inline constexpr std::size_t kCpaSecretKeyBytes = kPolyVecBytes;              // s_hat
inline constexpr std::size_t kCpaCiphertextBytes = kPolyVecCompressedBytes + kPolyCompressedBytes;

// The KEM secret key: s_hat || pk || H(pk) || z.
inline constexpr std::size_t kSkPublicKeyOffset = kCpaSecretKeyBytes;
inline constexpr std::size_t kSkPublicKeyHashOffset = kSkPublicKeyOffset + kCpaPublicKeyBytes;
inline constexpr std::size_t kSkRejectionSeedOffset = kSkPublicKeyHashOffset + kSymBytes;
inline constexpr std::size_t kKemSecretKeyBytes = kSkRejectionSeedOffset + kSymBytes;

static_assert(kCpaPublicKeyBytes == 800);
static_assert(kCpaCiphertextBytes == 768);
static_assert(kKemSecretKeyBytes == 1632);

}  // namespace rosenpass::kem::kyber512::detail
