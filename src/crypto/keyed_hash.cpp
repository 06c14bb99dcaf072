#include "rosenpass/crypto/keyed_hash.h"

#include "rosenpass/crypto/secure_memory.h"
#include "sodium_init.h"

namespace rosenpass::crypto {
namespace {

// V02's padded keys: used as BLAKE2b keys, not prepended to the data (it is not HMAC).
void xor_key(std::array<uint8_t, kHashSize>& out, HashKey key, uint8_t pad) {
  for (std::size_t i = 0; i < kHashSize; ++i) out[i] = key[i] ^ pad;
}

}  // namespace

KeyedHash::KeyedHash(HashChoice choice, HashKey key) noexcept : choice_(choice) {
  ensure_sodium();
  if (choice_ == HashChoice::kShake256) {
    shake_.absorb(key);
    return;
  }
  std::array<uint8_t, kHashSize> inner_key;
  xor_key(inner_key, key, 0x36);
  xor_key(outer_key_, key, 0x5c);
  crypto_generichash_blake2b_init(&blake_, inner_key.data(), inner_key.size(), kHashSize);
  wipe(inner_key);
}

KeyedHash::~KeyedHash() {
  wipe(outer_key_);
  secure_zero(&blake_, sizeof(blake_));
}

void KeyedHash::update(std::span<const uint8_t> data) noexcept {
  if (choice_ == HashChoice::kShake256) {
    shake_.absorb(data);
  } else {
    crypto_generichash_blake2b_update(&blake_, data.data(), data.size());
  }
}

void KeyedHash::finish(HashOut out) noexcept {
  if (choice_ == HashChoice::kShake256) {
    shake_.squeeze(out);
    return;
  }
  std::array<uint8_t, kHashSize> inner;
  crypto_generichash_blake2b_final(&blake_, inner.data(), inner.size());
  crypto_generichash_blake2b(out.data(), out.size(), inner.data(), inner.size(), outer_key_.data(),
                             outer_key_.size());
  wipe(inner);
}

void keyed_hash(HashChoice choice, HashKey key, std::span<const uint8_t> data,
                HashOut out) noexcept {
  KeyedHash h(choice, key);
  h.update(data);
  h.finish(out);
}

std::array<uint8_t, kHashSize> keyed_hash(HashChoice choice, HashKey key,
                                          std::span<const uint8_t> data) noexcept {
  std::array<uint8_t, kHashSize> out;
  keyed_hash(choice, key, data, out);
  return out;
}

}  // namespace rosenpass::crypto
