// PskSink: where the daemon hands each new Rosenpass output key so it becomes a WireGuard
// peer's pre-shared key (application.md §4.6). Implementations: NativePskSink (talks to
// WireGuard itself, kernel or userspace) and BrokerPskSink (asks a broker process, §4.7).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::wireguard {

// The WireGuard peer a Rosenpass peer's key is meant for: config `device`, `peer`, `extra_params`.
struct WireGuardPeerTarget {
  std::string device;                     // interface name, e.g. "wg0"
  WgPublicKey peer{};                     // the WireGuard peer's public key (decoded base64)
  std::vector<std::string> extra_params;  // `wg set` peer words, e.g. {"endpoint", "1.2.3.4:51820"}
};

// How a delivery went. kRejected is worth a warning (WireGuard or the broker said no);
// kFailed is an I/O failure the daemon counts as an event-loop failure (§4.10).
enum class PskDeliveryStatus { kInstalled, kRejected, kFailed };

struct PskDeliveryResult {
  PskDeliveryStatus status = PskDeliveryStatus::kInstalled;
  std::string message;  // empty when installed
  bool ok() const { return status == PskDeliveryStatus::kInstalled; }
};

class PskSink {
 public:
  virtual ~PskSink() = default;
  // Installs `psk` as the pre-shared key of `target`. The daemon calls this on every key
  // event; for a stale key it passes fresh random bytes (see install_random).
  virtual PskDeliveryResult install(const WireGuardPeerTarget& target,
                                    std::span<const uint8_t, 32> psk) = 0;

  // Event-loop hooks for sinks with a life of their own (a spawned PSK broker). The shell
  // registers watch_fd() once, for readability (EPOLLIN), if it is not -1; the fd stays the
  // same for the sink's lifetime. Whenever it is readable the shell calls on_ready(now).
  virtual int watch_fd() const { return -1; }
  virtual void on_ready(std::chrono::steady_clock::time_point /*now*/) {}
};

// Replaces the target's PSK with 32 fresh random bytes (what happens when a key goes stale).
PskDeliveryResult install_random(PskSink& sink, const WireGuardPeerTarget& target);

}  // namespace rosenpass::wireguard
