#include "dos_guard.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "rosenpass/crypto/hash_domains.h"

namespace rosenpass::protocol {

WorkLimiter::WorkLimiter(crypto::RandomSource& rng) : key_(crypto::Secret<32>::random(rng)) {}

void WorkLimiter::FreeDeleter::operator()(SourceBuckets* p) const noexcept {
  std::free(p);
}

WorkLimiter::SourceBuckets* WorkLimiter::sources() {
  // 128 KiB from calloc comes from mmap: zero pages, not written here (a value-initialised
  // member array was written, and page-faulted in, by every Server at construction).
  if (!sources_) sources_.reset(static_cast<SourceBuckets*>(std::calloc(1, sizeof(SourceBuckets))));
  return sources_.get();
}

uint64_t WorkLimiter::sender_key(std::span<const uint8_t> sender) const {
  auto d = crypto::keyed_hash(crypto::HashChoice::kBlake2b, key_.reveal(), sender);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return v;
}

bool WorkLimiter::has(Bucket& b, double rate, Timestamp now) {
  const double burst = std::max(1.0, rate);
  // A zero deficit is full whatever `last` says (an untouched bucket is all zeros).
  if (b.deficit > 0) {
    double dt = std::chrono::duration<double>(now - b.last).count();
    b.deficit = std::max(0.0, b.deficit - std::max(0.0, dt) * rate);
  }
  b.last = now;
  return burst - b.deficit >= 1.0;
}

bool WorkLimiter::admit(Class c, uint64_t sender, Timestamp now) {
  SourceBuckets* t = sources();
  if (!t) return false;
  Bucket& g = class_[static_cast<std::size_t>(c)];
  Bucket& s = t->source[sender % t->source.size()];
  if (!has(g, kClassRate[static_cast<std::size_t>(c)], now) || !has(s, kSourceRate, now)) {
    return false;
  }
  g.deficit += 1;
  s.deficit += 1;
  return true;
}

bool WorkLimiter::reply_available(uint64_t sender, Timestamp now) {
  SourceBuckets* t = sources();
  return t && has(replies_, kReplyRate, now) &&
         has(t->reply_source[sender % t->reply_source.size()], kReplySourceRate, now);
}

bool WorkLimiter::admit_reply(bool known, uint64_t sender, Timestamp now) {
  if (known) {
    if (!has(known_replies_, kKnownReplyRate, now)) return false;
    known_replies_.deficit += 1;
    return true;
  }
  SourceBuckets* t = sources();
  if (!t) return false;
  Bucket& s = t->reply_source[sender % t->reply_source.size()];
  if (!has(replies_, kReplyRate, now) || !has(s, kReplySourceRate, now)) return false;
  replies_.deficit += 1;
  s.deficit += 1;
  return true;
}

}  // namespace rosenpass::protocol
