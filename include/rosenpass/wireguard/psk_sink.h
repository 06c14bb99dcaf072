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

#include "rosenpass/base/key_sink.h"
#include "rosenpass/wireguard/device_config.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::wireguard {

// The WireGuard peer a Rosenpass peer's key is meant for: config `device`, `peer`, `extra_params`.
struct WireGuardPeerTarget {
  std::string device;                     // interface name, e.g. "wg0"
  WgPublicKey peer{};                     // the WireGuard peer's public key (decoded base64)
  std::vector<std::string> extra_params;  // `wg set` peer words, e.g. {"endpoint", "1.2.3.4:51820"}
};

// A delivery's outcome is a base::SinkStatus: kRejected is worth a warning (WireGuard or the
// broker said no); kFailed is an I/O failure the daemon counts as an event-loop failure (§4.10).

// A target whose `wg set` words were parsed (endpoint host names resolved) once, when the
// Rosenpass peer was added: nothing is parsed or resolved at key events.
struct PreparedTarget {
  WireGuardPeerTarget target;
  PeerConfig peer;                        // public key + parsed extra_params, no PSK
  std::optional<std::string> parse_error;  // extra_params were malformed: every install says so
  // After setting the PSK, remove and re-add the WireGuard peer (endpoint, allowed IPs and
  // keepalive kept) so its next handshake uses the new PSK at once (set_psk_and_rehandshake).
  bool rehandshake = false;
  bool names_more_peers = false;  // extra_params configure further peers: parsed at each install
};
PreparedTarget prepare_target(WireGuardPeerTarget target);

class PskSink {
 public:
  virtual ~PskSink() = default;
  // Installs `psk` as the pre-shared key of `target`. The daemon calls this on every key
  // event; for a stale key it passes fresh random bytes (see install_random).
  virtual base::SinkStatus install(const WireGuardPeerTarget& target,
                                   std::span<const uint8_t, 32> psk) = 0;
  // The same for a prepared target; sinks that parse extra_params use the parsed form.
  virtual base::SinkStatus install(const PreparedTarget& target, std::span<const uint8_t, 32> psk) {
    return install(target.target, psk);
  }
  // Whether install() honours PreparedTarget::rehandshake (re-adding the WireGuard peer).
  // True for direct delivery and for wrappers that forward PreparedTargets; a PSK broker
  // cannot (its protocol only sets the PSK) and says false.
  virtual bool can_rehandshake() const { return true; }

  // Event-loop hooks for sinks with a life of their own (a spawned PSK broker). The shell
  // registers watch_fd() once, for readability (EPOLLIN), if it is not -1; the fd stays the
  // same for the sink's lifetime. Whenever it is readable the shell calls on_ready(now).
  virtual int watch_fd() const { return -1; }
  virtual void on_ready(std::chrono::steady_clock::time_point /*now*/) {}
};

// Replaces the target's PSK with 32 fresh random bytes (what happens when a key goes stale).
base::SinkStatus install_random(PskSink& sink, const WireGuardPeerTarget& target);

}  // namespace rosenpass::wireguard
