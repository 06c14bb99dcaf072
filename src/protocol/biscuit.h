// Biscuits (protocol.md §3.8, §9): the responder's state after RespHello, encrypted under one
// of two rotating server keys and echoed back by the initiator in InitConf.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secret.h"
#include "rosenpass/protocol/server.h"
#include "wire.h"

namespace rosenpass::protocol {

using BiscuitNo = std::array<uint8_t, wire::kBiscuitNoSize>;  // 96-bit little-endian
using BiscuitCt = std::array<uint8_t, wire::kBiscuitCtSize>;

struct BiscuitContents {
  std::array<uint8_t, wire::kPidSize> pidi;
  BiscuitNo number;
  crypto::Secret<32> ck;
};

class BiscuitJar {
 public:
  explicit BiscuitJar(crypto::RandomSource& rng);

  // Encrypts pidi || counter || ck under the active key (slot rule of §9.2), then advances the
  // server-wide counter. Returns the biscuit and the number it carries.
  BiscuitNo seal(std::span<uint8_t, wire::kBiscuitCtSize> out,
                 std::span<const uint8_t, wire::kPidSize> pidi, std::span<const uint8_t, 32> ck,
                 std::span<const uint8_t, 32> ad, Timestamp now, crypto::RandomSource& rng);

  // Decrypts with the key named by the nonce's top bit; nullopt if the tag does not verify.
  std::optional<BiscuitContents> open(std::span<const uint8_t, wire::kBiscuitCtSize> ct,
                                      std::span<const uint8_t, 32> ad) const;

  // Erases keys older than two epochs; returns when this must be called again (or nullopt).
  std::optional<Timestamp> expire(Timestamp now, crypto::RandomSource& rng);

  // The number the next biscuit will carry.
  const BiscuitNo& next_number() const { return counter_; }

  // Replay hook: overwrite a key's value, keeping its creation time.
  void overwrite_key(int slot, std::span<const uint8_t, 32> key);

 private:
  struct Slot {
    crypto::Secret<32> key;
    std::optional<Timestamp> created;  // nullopt = never created
  };
  std::array<Slot, 2> slots_;
  BiscuitNo counter_{1};
};

// 96-bit little-endian comparison; constant time.
int compare_biscuit_no(const BiscuitNo& a, const BiscuitNo& b);

}  // namespace rosenpass::protocol
