#include "rosenpass/daemon/rate_limit.h"

#include <algorithm>

namespace rosenpass::daemon {

bool RateLimit::allow(protocol::Timestamp now) {
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  ++suppressed_;
  return false;
}

uint64_t RateLimit::take_suppressed() {
  uint64_t n = suppressed_;
  suppressed_ = 0;
  return n;
}

}  // namespace rosenpass::daemon
