// The handshake state of protocol.md §7.1: one chaining key and the keyed hash it uses.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/crypto/keyed_hash.h"
#include "rosenpass/crypto/secret.h"

namespace rosenpass::protocol {

using crypto::HashChoice;
using crypto::HashValue;
using Key32 = crypto::Secret<32>;

// Test hook (recorded-vector replay, cost tests): sees every chaining-key value after a mix, on the
// calling thread only. Null (the default) disables it.
// `mixed` is the size of the data just mixed in (524,160 for a public key).
using ChainingKeyTrace = std::function<void(std::span<const uint8_t, 32> ck, std::size_t mixed)>;
void set_chaining_key_trace(const ChainingKeyTrace* trace);

class ChainingKey {
 public:
  // init(spk): the start value hash(lhash("chaining key init"), spk), precomputed per key.
  ChainingKey(HashChoice choice, std::span<const uint8_t, 32> start);
  // Resumes from a value carried in a biscuit.
  static ChainingKey resume(HashChoice choice, std::span<const uint8_t, 32> ck);

  HashChoice choice() const { return choice_; }

  // ck := hash(hash(ck, MIX), data), once per element.
  void mix(std::span<const uint8_t> data);
  template <class... Parts>
  void mix_all(const Parts&... parts) {
    (mix(std::span<const uint8_t>(parts)), ...);
  }

  // AEAD with hash(ck, HS_ENC), nonce 0, no AD, then mix(ciphertext). out = pt + 16 bytes.
  void encrypt_and_mix(std::span<uint8_t> out, std::span<const uint8_t> plaintext);
  // The inverse; false (and ck unchanged) when the tag does not verify.
  [[nodiscard]] bool decrypt_and_mix(std::span<uint8_t> plaintext,
                                     std::span<const uint8_t> ciphertext);

  // hash(ck, label): transmit keys and the output key (§7.5).
  Key32 derive(std::span<const uint8_t, 32> label) const;

  std::span<const uint8_t, 32> reveal() const { return ck_.reveal(); }

 private:
  ChainingKey(HashChoice choice) : choice_(choice) {}
  HashChoice choice_;
  Key32 ck_;
};

}  // namespace rosenpass::protocol
