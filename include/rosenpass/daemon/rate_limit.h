// A token bucket for per-datagram log lines (#17): a flood must not turn into millions of
// log lines, also with -v. Sans-IO: the caller passes the time.
#pragma once

#include <cstdint>

#include "rosenpass/protocol/server.h"

namespace rosenpass::daemon {

class RateLimit {
 public:
  // At most `burst` lines at once, refilled at `per_second`.
  RateLimit(uint32_t per_second, uint32_t burst) : rate_(per_second), burst_(burst), tokens_(burst) {}

  // True if one more line may be written now; otherwise it is counted as suppressed.
  bool allow(protocol::Timestamp now);
  // Lines suppressed since the last call (to log "N similar messages suppressed").
  uint64_t take_suppressed();

 private:
  uint32_t rate_, burst_;
  double tokens_;
  protocol::Timestamp last_{};
  uint64_t suppressed_ = 0;
};

}  // namespace rosenpass::daemon
