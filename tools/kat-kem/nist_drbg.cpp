#include "nist_drbg.h"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kat {

NistCtrDrbg::NistCtrDrbg(std::span<const uint8_t, kSeedSize> entropy) {
  // No personalisation string: the seed material is the entropy input itself, and the
  // instantiate step is an update from an all-zero key and counter.
  std::array<uint8_t, kSeedSize> seed_material;
  std::copy(entropy.begin(), entropy.end(), seed_material.begin());
  update(&seed_material);
}

NistCtrDrbg::~NistCtrDrbg() {
  crypto::wipe(key_);
  crypto::wipe(counter_);
}

void NistCtrDrbg::increment_counter() {
  // The counter is a 128-bit big-endian integer.
  for (int i = 15; i >= 0; --i) {
    if (++counter_[i] != 0) break;
  }
}

NistCtrDrbg::Block NistCtrDrbg::encrypt_counter() const {
  Block out{};
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  bool ok = ctx != nullptr &&
            EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, key_.data(), nullptr) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_EncryptUpdate(ctx, out.data(), &len, counter_.data(), 16) == 1 && len == 16;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL AES-256-ECB failed");
  return out;
}

void NistCtrDrbg::update(const std::array<uint8_t, kSeedSize>* provided) {
  std::array<uint8_t, kSeedSize> temp;
  for (std::size_t i = 0; i < kSeedSize / 16; ++i) {
    increment_counter();
    Block b = encrypt_counter();
    std::copy(b.begin(), b.end(), temp.begin() + 16 * i);
  }
  if (provided != nullptr) {
    for (std::size_t i = 0; i < kSeedSize; ++i) temp[i] ^= (*provided)[i];
  }
  std::copy(temp.begin(), temp.begin() + 32, key_.begin());
  std::copy(temp.begin() + 32, temp.end(), counter_.begin());
  crypto::wipe(temp);
}

void NistCtrDrbg::fill(std::span<uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    increment_counter();
    Block b = encrypt_counter();
    std::size_t n = std::min<std::size_t>(16, out.size() - done);
    std::copy(b.begin(), b.begin() + n, out.begin() + done);
    done += n;
  }
  // Backtracking resistance: the key and counter change after every request.
  update(nullptr);
}

}  // namespace rosenpass::kat
