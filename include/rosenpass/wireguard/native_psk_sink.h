// NativePskSink: installs PSKs by talking to WireGuard directly (no `wg` program), like the
// reference's `wg set <dev> peer <pk> preshared-key /dev/stdin <extra_params>`: the peer is
// created if missing and extra_params (endpoint, persistent-keepalive, allowed-ips) re-applied.
#pragma once

#include <memory>

#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/psk_sink.h"

namespace rosenpass::wireguard {

class NativePskSink final : public PskSink {
 public:
  // Uses make_auto_backend() unless a backend is given.
  explicit NativePskSink(std::unique_ptr<WireGuardBackend> backend = make_auto_backend());
  base::SinkStatus install(const WireGuardPeerTarget& target,
                           std::span<const uint8_t, 32> psk) override;
  base::SinkStatus install(const PreparedTarget& target, std::span<const uint8_t, 32> psk) override;

 private:
  std::unique_ptr<WireGuardBackend> backend_;
};

}  // namespace rosenpass::wireguard
