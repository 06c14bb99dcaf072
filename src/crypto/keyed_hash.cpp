#include "rosenpass/crypto/keyed_hash.h"

#include "blake2b_x4.h"
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

void keyed_hash_batch(HashChoice choice, std::span<const KeyedHashJob> jobs) noexcept {
  ensure_sodium();
  constexpr std::size_t kWindow = 64;  // batches are small; no allocation in here
  if (jobs.size() > kWindow) {
    keyed_hash_batch(choice, jobs.first(kWindow));
    keyed_hash_batch(choice, jobs.subspan(kWindow));
    return;
  }
  std::array<bool, kWindow> done{};
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (done[i]) continue;
    // Up to four not yet done jobs with the data length of job i.
    std::array<std::size_t, 4> lane{i, i, i, i};
    std::size_t n = 1;
    done[i] = true;
    if (choice == HashChoice::kBlake2b) {
      for (std::size_t j = i + 1; j < jobs.size() && n < 4; ++j) {
        if (!done[j] && jobs[j].data.size() == jobs[i].data.size()) {
          lane[n++] = j;
          done[j] = true;
        }
      }
    }
    if (n == 1) {  // nothing to share a pass with
      keyed_hash(choice, jobs[i].key, jobs[i].data, jobs[i].out);
      continue;
    }
    // V02 is outer(key ^ 0x5c, inner(key ^ 0x36, data)): the inner hashes over the data
    // together, the outer ones (32 bytes each) one by one. Unused lanes repeat lane 0.
    std::array<std::array<uint8_t, kHashSize>, 4> inner_key, inner;
    std::array<const uint8_t*, 4> key_p, msg_p;
    std::array<uint8_t*, 4> out_p;
    for (std::size_t l = 0; l < 4; ++l) {
      xor_key(inner_key[l], jobs[lane[l]].key, 0x36);
      key_p[l] = inner_key[l].data();
      msg_p[l] = jobs[lane[l]].data.data();
      out_p[l] = inner[l].data();
    }
    detail::blake2b256_keyed_x4(key_p, msg_p, jobs[i].data.size(), out_p);
    for (std::size_t l = 0; l < n; ++l) {
      std::array<uint8_t, kHashSize> outer_key;
      xor_key(outer_key, jobs[lane[l]].key, 0x5c);
      crypto_generichash_blake2b(jobs[lane[l]].out.data(), kHashSize, inner[l].data(),
                                 inner[l].size(), outer_key.data(), outer_key.size());
      wipe(outer_key);
    }
    wipe(inner_key);
    wipe(inner);
  }
}

}  // namespace rosenpass::crypto
