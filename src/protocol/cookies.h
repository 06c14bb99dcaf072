// The cookie / DoS mechanism of protocol.md §5.2 and §6: responder cookie secrets, cookie
// values bound to the sender's address, the envelope cookie field and CookieReply.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secret.h"
#include "rosenpass/protocol/server.h"
#include "wire.h"

namespace rosenpass::protocol {

inline constexpr std::size_t kCookieValueSize = 16;
using CookieValue = crypto::Secret<kCookieValueSize>;

// cookie = hash_V03(lhash_V03("cookie"), cookie_value, M[0 .. L-16))[0..16), written in place.
void seal_cookie(std::span<uint8_t> msg, std::span<const uint8_t, kCookieValueSize> value);
// True iff msg's cookie field matches `value` (constant-time comparison).
bool cookie_matches(std::span<const uint8_t> msg, std::span<const uint8_t, kCookieValueSize> value);

// CookieReply key: hash_V03(lhash_V03("cookie-key"), spk) of the responder's public key.
std::array<uint8_t, 32> cookie_reply_key(std::span<const uint8_t> responder_pk);

class CookieJar {
 public:
  explicit CookieJar(crypto::RandomSource& rng);

  // §6.2: does the InitHello `msg` from `sender` carry a cookie of a young or retired secret?
  bool verify(std::span<const uint8_t> msg, std::span<const uint8_t> sender, Timestamp now);
  // §6.3: the 1060-byte CookieReply to the InitHello `msg`.
  std::vector<uint8_t> reply(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                             std::span<const uint8_t, 32> own_cookie_key, Timestamp now,
                             crypto::RandomSource& rng);
  void overwrite_secret(int slot, std::span<const uint8_t, kCookieValueSize> secret);
  // Erases secrets past their retirement (zeroed, creation time cleared); returns when to
  // call again (nullopt: no live secret).
  std::optional<Timestamp> expire(Timestamp now);
  // For tests: whether slot `i` holds a secret (has a creation time).
  bool slot_live(int i) const { return slots_[i & 1].created.has_value(); }
  // For tests: whether slot `i`'s secret bytes are all zero (erased or never created).
  bool slot_zeroed(int i) const {
    uint8_t any = 0;
    for (uint8_t b : slots_[i & 1].secret.reveal()) any |= b;
    return any == 0;
  }

 private:
  struct Slot {
    crypto::Secret<kCookieValueSize> secret;
    std::optional<Timestamp> created;
  };
  CookieValue value_for(const Slot& s, std::span<const uint8_t> sender) const;
  // The youngest usable slot; refreshes one if none is young.
  Slot& youngest(Timestamp now, crypto::RandomSource& rng);
  std::array<Slot, 2> slots_;
};

}  // namespace rosenpass::protocol
