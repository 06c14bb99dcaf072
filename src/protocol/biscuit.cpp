#include "biscuit.h"

#include <algorithm>

#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/constant_time.h"
#include "timing.h"

namespace rosenpass::protocol {
namespace {

// "never" sorts before every real time.
bool created_before(const std::optional<Timestamp>& a, const std::optional<Timestamp>& b) {
  if (!a) return b.has_value();
  return b && *a < *b;
}

}  // namespace

BiscuitJar::BiscuitJar(crypto::RandomSource& rng) {
  for (auto& s : slots_) s.key = crypto::Secret<32>::random(rng);
}

BiscuitNo BiscuitJar::seal(std::span<uint8_t, wire::kBiscuitCtSize> out,
                           std::span<const uint8_t, wire::kPidSize> pidi,
                           std::span<const uint8_t, 32> ck, std::span<const uint8_t, 32> ad,
                           Timestamp now, crypto::RandomSource& rng) {
  // §9.2: the newer slot if it is young, else refresh the older one (tie -> slot 1).
  int cand = created_before(slots_[0].created, slots_[1].created) ? 1 : 0;
  int slot = cand;
  bool young = slots_[cand].created && now - *slots_[cand].created < timing::kBiscuitEpoch;
  if (!young) {
    slot = created_before(slots_[0].created, slots_[1].created) ? 0 : 1;
    slots_[slot].key = crypto::Secret<32>::random(rng);
    slots_[slot].created = now;
  }

  crypto::Secret<wire::kBiscuitPlainSize> plain;
  auto pt = plain.reveal_mut();
  std::copy(pidi.begin(), pidi.end(), pt.begin());
  std::copy(counter_.begin(), counter_.end(), pt.begin() + wire::kPidSize);
  std::copy(ck.begin(), ck.end(), pt.begin() + wire::kPidSize + wire::kBiscuitNoSize);

  BiscuitNo number = counter_;
  for (auto& b : counter_) {  // post-increment, little-endian carry
    if (++b != 0) break;
  }

  auto nonce = out.first<wire::kBiscuitNonceSize>();
  rng.fill(nonce);
  nonce[0] = uint8_t((nonce[0] & 0x7f) | (slot << 7));
  crypto::xaead::seal(out.subspan<wire::kBiscuitNonceSize>(), slots_[slot].key.reveal(), nonce,
                      plain.reveal(), ad);
  return number;
}

std::optional<BiscuitContents> BiscuitJar::open(std::span<const uint8_t, wire::kBiscuitCtSize> ct,
                                                std::span<const uint8_t, 32> ad) const {
  const Slot& s = slots_[ct[0] >> 7];
  crypto::Secret<wire::kBiscuitPlainSize> plain;
  if (!crypto::xaead::open(plain.reveal_mut(), s.key.reveal(), ct.first<wire::kBiscuitNonceSize>(),
                           ct.subspan<wire::kBiscuitNonceSize>(), ad)) {
    return std::nullopt;
  }
  auto pt = plain.reveal();
  BiscuitContents c;
  std::copy_n(pt.begin(), wire::kPidSize, c.pidi.begin());
  std::copy_n(pt.begin() + wire::kPidSize, wire::kBiscuitNoSize, c.number.begin());
  c.ck = crypto::Secret<32>::from(pt.subspan<wire::kPidSize + wire::kBiscuitNoSize, 32>());
  return c;
}

std::optional<Timestamp> BiscuitJar::expire(Timestamp now, crypto::RandomSource& rng) {
  std::optional<Timestamp> next;
  for (auto& s : slots_) {
    if (!s.created) continue;
    Timestamp end = *s.created + 2 * timing::kBiscuitEpoch;
    if (timing::due(end, now)) {
      s.key = crypto::Secret<32>::random(rng);
      s.created.reset();
    } else if (!next || end < *next) {
      next = end;
    }
  }
  return next;
}

void BiscuitJar::overwrite_key(int slot, std::span<const uint8_t, 32> key) {
  slots_[slot & 1].key = crypto::Secret<32>::from(key);
}

int compare_biscuit_no(const BiscuitNo& a, const BiscuitNo& b) {
  return crypto::ct_compare_le(a, b);
}

}  // namespace rosenpass::protocol
