// The keyed hash of Rosenpass: hash(key[32], data) -> [32], in its two constructions
// (protocol.md §2.1). Data may be fed in pieces, so a 512 KiB public key is hashed in place.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <span>
#include <variant>

#include "rosenpass/crypto/keccak.h"

namespace rosenpass::crypto {

enum class HashChoice : uint8_t {
  kBlake2b,   // V02: "incorrect HMAC" over keyed BLAKE2b-256
  kShake256,  // V03: SHAKE256(key || data), first 32 bytes
};

inline constexpr std::size_t kHashSize = 32;
using HashKey = std::span<const uint8_t, kHashSize>;
using HashOut = std::span<uint8_t, kHashSize>;

// Streaming keyed hash: update() any number of times, then finish() once.
class KeyedHash {
 public:
  KeyedHash(HashChoice choice, HashKey key) noexcept;
  ~KeyedHash();
  KeyedHash(const KeyedHash&) = delete;
  KeyedHash& operator=(const KeyedHash&) = delete;

  void update(std::span<const uint8_t> data) noexcept;
  void finish(HashOut out) noexcept;

 private:
  HashChoice choice_;
  std::array<uint8_t, kHashSize> outer_key_;  // V02 only: key XOR 0x5c
  // One of the two states is in use; both are erased on destruction.
  crypto_generichash_blake2b_state blake_;
  Shake256 shake_;
};

// One-shot form.
void keyed_hash(HashChoice choice, HashKey key, std::span<const uint8_t> data,
                HashOut out) noexcept;

// hash(key, data) returned by value, for public values (labels, macs).
std::array<uint8_t, kHashSize> keyed_hash(HashChoice choice, HashKey key,
                                          std::span<const uint8_t> data) noexcept;

// Several independent keyed hashes at once, e.g. the three 512 KiB hashes of public keys the
// first InitHello needs (protocol.md §7.2: the peer's ChainingKey start and MAC key, our peer
// id). V02: jobs whose data have the same length run four at a time on one vector unit
// (blake2b_x4), about 1.3x the CPU of one hash for up to four (issue 12); V03: one by one.
// Results equal keyed_hash(choice, job.key, job.data, job.out) for each job.
struct KeyedHashJob {
  HashKey key;
  std::span<const uint8_t> data;
  HashOut out;
};
void keyed_hash_batch(HashChoice choice, std::span<const KeyedHashJob> jobs) noexcept;

}  // namespace rosenpass::crypto
