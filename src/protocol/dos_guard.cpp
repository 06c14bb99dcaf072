#include "dos_guard.h"

#include <algorithm>
#include <chrono>

#include "rosenpass/crypto/hash_domains.h"

namespace rosenpass::protocol {

WorkLimiter::WorkLimiter(crypto::RandomSource& rng) : key_(crypto::Secret<32>::random(rng)) {}

uint64_t WorkLimiter::sender_key(std::span<const uint8_t> sender) const {
  auto d = crypto::keyed_hash(crypto::HashChoice::kBlake2b, key_.reveal(), sender);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return v;
}

bool WorkLimiter::has(Bucket& b, double rate, Timestamp now) {
  const double burst = std::max(1.0, rate);
  if (b.tokens < 0) {
    b.tokens = burst;
  } else {
    double dt = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst, b.tokens + std::max(0.0, dt) * rate);
  }
  b.last = now;
  return b.tokens >= 1.0;
}

bool WorkLimiter::admit(Class c, uint64_t sender, Timestamp now) {
  Bucket& g = class_[static_cast<std::size_t>(c)];
  Bucket& s = source_[sender % source_.size()];
  if (!has(g, kClassRate[static_cast<std::size_t>(c)], now) || !has(s, kSourceRate, now)) {
    return false;
  }
  g.tokens -= 1;
  s.tokens -= 1;
  return true;
}

bool WorkLimiter::reply_available(uint64_t sender, Timestamp now) {
  return has(replies_, kReplyRate, now) &&
         has(reply_source_[sender % reply_source_.size()], kReplySourceRate, now);
}

bool WorkLimiter::admit_reply(bool known, uint64_t sender, Timestamp now) {
  if (known) {
    if (!has(known_replies_, kKnownReplyRate, now)) return false;
    known_replies_.tokens -= 1;
    return true;
  }
  Bucket& s = reply_source_[sender % reply_source_.size()];
  if (!has(replies_, kReplyRate, now) || !has(s, kReplySourceRate, now)) return false;
  replies_.tokens -= 1;
  s.tokens -= 1;
  return true;
}

}  // namespace rosenpass::protocol
