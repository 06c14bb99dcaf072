#include "rosenpass/crypto/aead.h"

#include <sodium.h>

#include <cstdlib>

#include "rosenpass/crypto/secure_memory.h"
#include "sodium_init.h"

namespace rosenpass::crypto {
namespace {

// libsodium's combined mode writes ciphertext || tag and verifies before decrypting,
// so a failed open writes no plaintext; we zero `out` anyway so callers see no leftovers.
template <typename Encrypt>
void seal_with(Encrypt encrypt, std::span<uint8_t> out, const uint8_t* key, const uint8_t* nonce,
               std::span<const uint8_t> pt, std::span<const uint8_t> ad) {
  ensure_sodium();
  if (out.size() != pt.size() + kAeadTagSize) std::abort();  // a caller bug, never input
  encrypt(out.data(), nullptr, pt.data(), pt.size(), ad.data(), ad.size(), nullptr, nonce, key);
}

template <typename Decrypt>
bool open_with(Decrypt decrypt, std::span<uint8_t> out, const uint8_t* key, const uint8_t* nonce,
               std::span<const uint8_t> ct, std::span<const uint8_t> ad) {
  ensure_sodium();
  if (ct.size() < kAeadTagSize || out.size() != ct.size() - kAeadTagSize) {
    wipe(out);
    return false;
  }
  if (decrypt(out.data(), nullptr, nullptr, ct.data(), ct.size(), ad.data(), ad.size(), nonce,
              key) != 0) {
    wipe(out);
    return false;
  }
  return true;
}

}  // namespace

namespace aead {

void seal(std::span<uint8_t> out, AeadKey key, std::span<const uint8_t, kAeadNonceSize> nonce,
          std::span<const uint8_t> plaintext, std::span<const uint8_t> ad) noexcept {
  seal_with(crypto_aead_chacha20poly1305_ietf_encrypt, out, key.data(), nonce.data(), plaintext,
            ad);
}

bool open(std::span<uint8_t> out, AeadKey key, std::span<const uint8_t, kAeadNonceSize> nonce,
          std::span<const uint8_t> ciphertext, std::span<const uint8_t> ad) noexcept {
  return open_with(crypto_aead_chacha20poly1305_ietf_decrypt, out, key.data(), nonce.data(),
                   ciphertext, ad);
}

}  // namespace aead

namespace xaead {

void seal(std::span<uint8_t> out, AeadKey key, std::span<const uint8_t, kXAeadNonceSize> nonce,
          std::span<const uint8_t> plaintext, std::span<const uint8_t> ad) noexcept {
  seal_with(crypto_aead_xchacha20poly1305_ietf_encrypt, out, key.data(), nonce.data(), plaintext,
            ad);
}

bool open(std::span<uint8_t> out, AeadKey key, std::span<const uint8_t, kXAeadNonceSize> nonce,
          std::span<const uint8_t> ciphertext, std::span<const uint8_t> ad) noexcept {
  return open_with(crypto_aead_xchacha20poly1305_ietf_decrypt, out, key.data(), nonce.data(),
                   ciphertext, ad);
}

}  // namespace xaead
}  // namespace rosenpass::crypto
