// WireGuard as a key sink (application.md §4.6): the daemon's peers with `device`/`peer` get
// a base::KeySink that installs each output key as that WireGuard peer's PSK, natively or via
// a PSK broker. The target (WireGuard key, extra_params) is parsed once, when the sink is made.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rosenpass/base/key_sink.h"
#include "rosenpass/base/result.h"
#include "rosenpass/wireguard/psk_sink.h"

namespace rosenpass::wireguard {

// Where PSKs go: a broker (--psk-broker-path / --psk-broker-fd / --psk-broker-spawn), else
// WireGuard directly.
struct PskSinkChoice {
  std::optional<std::string> broker_path;
  std::optional<int> broker_fd;
  bool broker_spawn = false;
  bool uses_broker() const { return broker_path || broker_fd || broker_spawn; }
};

// Connects to or spawns the broker, or opens the native backend. Broker errors that arrive
// later are logged as warnings through `warn`.
base::Result<std::shared_ptr<PskSink>> open_psk_sink(
    const PskSinkChoice& choice, std::function<void(const std::string&)> warn);

// The sink for Rosenpass peer number `peer_index` (used in messages) whose WireGuard target
// is `device`, base64 `peer_b64` and `extra_params`. Error: `peer_b64` is not a WireGuard key.
// A rejection is reported as kRejected ("could not pass psk to wg for peer N: ..."), an I/O
// failure as kFailed. `rehandshake`: after each new PSK the WireGuard peer is removed and
// re-added so the PSK protects traffic at once, not after WireGuard's next rekey (up to two
// minutes); needs native delivery (an error with a PSK broker).
base::Result<std::unique_ptr<base::KeySink>> make_wireguard_key_sink(
    std::shared_ptr<PskSink> sink, const std::string& device, const std::string& peer_b64,
    const std::vector<std::string>& extra_params, std::size_t peer_index,
    bool rehandshake = false);

}  // namespace rosenpass::wireguard
