// set_psk_and_rehandshake: a new PSK that takes effect now rather than at WireGuard's next
// rekey (issue #14 item 7, "quantum-safe from the first key"), by re-creating the peer.
#include <algorithm>

#include "rosenpass/wireguard/backend.h"

namespace rosenpass::wireguard {

WgStatus set_psk_and_rehandshake(WireGuardBackend& backend, std::string_view device,
                                 PeerConfig peer) {
  auto got = backend.get_device(device);
  if (!got) return got.error();
  const DeviceInfo& info = *got;
  auto it = std::find_if(info.peers.begin(), info.peers.end(),
                         [&](const PeerInfo& p) { return p.public_key == peer.public_key; });
  peer.remove = false;
  if (it != info.peers.end()) {
    // Keep what the peer had: without its endpoint it could not reach the other side again,
    // without its allowed IPs no traffic would be routed to it.
    if (!peer.endpoint && it->endpoint) peer.endpoint = it->endpoint;
    if (!peer.persistent_keepalive && it->persistent_keepalive) {
      peer.persistent_keepalive = it->persistent_keepalive;
    }
    if (!peer.allowed_ips) peer.allowed_ips = it->allowed_ips;
    DeviceConfig removal;
    PeerConfig gone;
    gone.public_key = peer.public_key;
    gone.remove = true;
    removal.peers.push_back(std::move(gone));
    if (auto st = backend.set_device(device, removal); !st) return st;
  }
  DeviceConfig add;
  peer.update_only = false;
  add.peers.push_back(std::move(peer));
  return backend.set_device(device, add);
}

}  // namespace rosenpass::wireguard
