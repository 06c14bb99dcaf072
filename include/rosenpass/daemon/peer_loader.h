// From a config-file peer (config.h) to a PeerSpec the Runtime runs: key files read, PSK
// loaded, endpoint resolved (DNS happens here, never at key events), sinks bound once.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "rosenpass/base/key_sink.h"
#include "rosenpass/base/result.h"
#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/runtime.h"

namespace rosenpass::daemon {

struct SinkFactories {
  // A sink installing keys as the PSK of `target` (its key and extra_params parsed here, once).
  // Unset: peers with `device`/`peer` are refused ("this build cannot deliver ...").
  std::function<Result<std::unique_ptr<base::KeySink>>(const WireGuardTarget& target,
                                                       std::size_t peer_index)>
      wireguard;
  // Whether the user the daemon switches to after set-up may create files in a key_out's
  // directory (unset: the process itself writes, probed directly). Peers are loaded before
  // the switch, so without it a service user's in-place writes would only show at the first key.
  std::function<bool(const std::string& dir)> key_out_writer_can_create_in;
};

// Builds peer `index` of a config: errors name the peer and the file or endpoint at fault;
// warnings (v0.2.3 PSK whitespace, key_out fallbacks) are logged. Sinks: key_out file +
// stdout line, then WireGuard. `name` is "peer <index>". Call after dropping privileges: the
// key_out file is probed as the daemon will write it.
Result<PeerSpec> load_peer(const PeerConfig& config, std::size_t index,
                           const SinkFactories& factories);

// The key_out sink: writes the key file atomically, then prints
// `output-key peer <id> key-file "<path>" exchanged|stale` on stdout (§4.4).
std::unique_ptr<base::KeySink> make_key_out_sink(
    std::string key_out_path, const std::function<bool(const std::string&)>& can_create_in = {});

}  // namespace rosenpass::daemon
