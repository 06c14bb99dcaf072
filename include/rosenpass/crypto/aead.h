// AEAD ChaCha20-Poly1305 (IETF, RFC 8439) and XAEAD XChaCha20-Poly1305: output is
// ciphertext || 16-byte tag. Opening never leaves unauthenticated plaintext behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace rosenpass::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadTagSize = 16;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kXAeadNonceSize = 24;

using AeadKey = std::span<const uint8_t, kAeadKeySize>;

namespace aead {  // ChaCha20-Poly1305, 12-byte nonce

// out.size() must be plaintext.size() + 16; out may equal plaintext's storage (in place).
void seal(std::span<uint8_t> out, AeadKey key, std::span<const uint8_t, kAeadNonceSize> nonce,
          std::span<const uint8_t> plaintext, std::span<const uint8_t> ad) noexcept;

// out.size() must be ciphertext.size() - 16 (in place allowed). False on a bad tag, a
// too-short input or a size mismatch; out is then zeroed.
[[nodiscard]] bool open(std::span<uint8_t> out, AeadKey key,
                        std::span<const uint8_t, kAeadNonceSize> nonce,
                        std::span<const uint8_t> ciphertext, std::span<const uint8_t> ad) noexcept;

}  // namespace aead

namespace xaead {  // XChaCha20-Poly1305, 24-byte nonce; same contracts as aead

void seal(std::span<uint8_t> out, AeadKey key, std::span<const uint8_t, kXAeadNonceSize> nonce,
          std::span<const uint8_t> plaintext, std::span<const uint8_t> ad) noexcept;

[[nodiscard]] bool open(std::span<uint8_t> out, AeadKey key,
                        std::span<const uint8_t, kXAeadNonceSize> nonce,
                        std::span<const uint8_t> ciphertext, std::span<const uint8_t> ad) noexcept;

}  // namespace xaead
}  // namespace rosenpass::crypto
