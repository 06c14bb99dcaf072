// A PskSink whose target can be replaced while the daemon runs: the control API's
// AddPskBroker (application.md §5.4) makes every WireGuard peer deliver through the new
// broker from the next key on, although each peer's sink was bound when the peer was added.
#pragma once

#include <memory>

#include "rosenpass/wireguard/psk_sink.h"

namespace rosenpass::wireguard {

class SwitchablePskSink final : public PskSink {
 public:
  explicit SwitchablePskSink(std::shared_ptr<PskSink> initial) : current_(std::move(initial)) {}

  // From now on every install goes to `next` (the previous sink is released).
  void replace(std::shared_ptr<PskSink> next) { current_ = std::move(next); }

  base::SinkStatus install(const WireGuardPeerTarget& target,
                           std::span<const uint8_t, 32> psk) override {
    return current_->install(target, psk);
  }
  base::SinkStatus install(const PreparedTarget& target,
                           std::span<const uint8_t, 32> psk) override {
    return current_->install(target, psk);
  }
  // As the current sink; a broker installed later by AddPskBroker only sets the PSK.
  bool can_rehandshake() const override { return current_->can_rehandshake(); }

 private:
  std::shared_ptr<PskSink> current_;
};

}  // namespace rosenpass::wireguard
