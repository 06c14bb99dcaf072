#include "cookies.h"

#include <algorithm>

#include "chaining_key.h"
#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/crypto/hash_domains.h"
#include "timing.h"

namespace rosenpass::protocol {
namespace {

using crypto::HashChoice;
constexpr HashChoice kShake = HashChoice::kShake256;

void cookie_for(std::span<const uint8_t> msg, std::span<const uint8_t, kCookieValueSize> value,
                std::span<uint8_t, 32> out) {
  // k is as secret as the cookie value: locked, and wiped when it goes.
  Key32 k;
  crypto::keyed_hash(kShake, crypto::hash_domains(kShake).cookie, value, k.reveal_mut());
  crypto::keyed_hash(kShake, k.reveal(), msg.first(wire::cookie_offset(msg.size())), out);
}

}  // namespace

void seal_cookie(std::span<uint8_t> msg, std::span<const uint8_t, kCookieValueSize> value) {
  std::array<uint8_t, 32> full;
  cookie_for(msg, value, full);
  std::copy_n(full.begin(), wire::kCookieSize, msg.begin() + wire::cookie_offset(msg.size()));
}

bool cookie_matches(std::span<const uint8_t> msg,
                    std::span<const uint8_t, kCookieValueSize> value) {
  std::array<uint8_t, 32> full;
  cookie_for(msg, value, full);
  return crypto::ct_equal(std::span(full).first<wire::kCookieSize>(),
                          msg.subspan(wire::cookie_offset(msg.size()), wire::kCookieSize));
}

std::array<uint8_t, 32> cookie_reply_key(std::span<const uint8_t> responder_pk) {
  return crypto::keyed_hash(kShake, crypto::hash_domains(kShake).cookie_key, responder_pk);
}

CookieJar::CookieJar(crypto::RandomSource& rng) {
  for (auto& s : slots_) s.secret = crypto::Secret<kCookieValueSize>::random(rng);
}

CookieValue CookieJar::value_for(const Slot& s, std::span<const uint8_t> sender) const {
  Key32 k;
  crypto::keyed_hash(kShake, crypto::hash_domains(kShake).cookie_value, s.secret.reveal(),
                     k.reveal_mut());
  Key32 full;
  crypto::keyed_hash(kShake, k.reveal(), sender, full.reveal_mut());
  return CookieValue::from(full.reveal().first<kCookieValueSize>());
}

CookieJar::Slot& CookieJar::youngest(Timestamp now, crypto::RandomSource& rng) {
  Slot* best = nullptr;
  for (auto& s : slots_) {
    if (s.created && now - *s.created < timing::kCookieSecretEpoch &&
        (!best || *s.created > *best->created)) {
      best = &s;
    }
  }
  if (best) return *best;
  // Refresh the older (or never created) slot.
  Slot& victim =
      (!slots_[0].created || (slots_[1].created && *slots_[0].created <= *slots_[1].created))
          ? slots_[0]
          : slots_[1];
  victim.secret = crypto::Secret<kCookieValueSize>::random(rng);
  victim.created = now;
  return victim;
}

std::optional<Timestamp> CookieJar::expire(Timestamp now) {
  // §6.1: a secret is young for one epoch, retired for another, then erased.
  std::optional<Timestamp> next;
  for (auto& s : slots_) {
    if (!s.created) continue;
    const Timestamp end = *s.created + 2 * timing::kCookieSecretEpoch;
    if (now >= end) {
      s.secret = crypto::Secret<kCookieValueSize>();
      s.created.reset();
    } else if (!next || end < *next) {
      next = end;
    }
  }
  return next;
}

bool CookieJar::verify(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                       Timestamp now) {
  expire(now);
  bool ok = false;
  for (auto& s : slots_) {
    if (!s.created || now - *s.created >= 2 * timing::kCookieSecretEpoch) continue;
    CookieValue v = value_for(s, sender);
    ok |= cookie_matches(msg, v.reveal());
  }
  return ok;
}

std::vector<uint8_t> CookieJar::reply(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                                      std::span<const uint8_t, 32> own_cookie_key, Timestamp now,
                                      crypto::RandomSource& rng) {
  namespace cr = wire::cookie_reply;
  expire(now);
  CookieValue v = value_for(youngest(now, rng), sender);
  std::vector<uint8_t> out(wire::kCookieReplySize, 0);
  std::span<uint8_t> o(out);
  o[0] = wire::kTypeCookieReply;
  std::copy_n(msg.begin() + wire::kHeaderSize, wire::kSidSize, o.begin() + cr::kSid);
  auto nonce = wire::field<wire::kBiscuitNonceSize>(o, cr::kNonce);
  rng.fill(nonce);
  auto mac = msg.subspan(wire::mac_offset(msg.size()), wire::kMacSize);
  crypto::xaead::seal(o.subspan(cr::kCookieCt, cr::kCookieCtSize), own_cookie_key, nonce,
                      v.reveal(), mac);
  rng.fill(o.subspan(cr::kPadding));
  return out;
}

void CookieJar::overwrite_secret(int slot, std::span<const uint8_t, kCookieValueSize> secret) {
  slots_[slot & 1].secret = crypto::Secret<kCookieValueSize>::from(secret);
}

}  // namespace rosenpass::protocol
