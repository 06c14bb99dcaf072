#include "rosenpass/wireguard/native_psk_sink.h"

namespace rosenpass::wireguard {

NativePskSink::NativePskSink(std::unique_ptr<WireGuardBackend> backend)
    : backend_(std::move(backend)) {}

base::SinkStatus NativePskSink::install(const WireGuardPeerTarget& target,
                                        std::span<const uint8_t, 32> psk) {
  DeviceConfig config;
  PeerConfig peer;
  peer.public_key = target.peer;
  peer.preshared_key = WgSecretKey::from(psk);
  // extra_params may name further peers (`peer KEY ...`), as after `wg set DEV peer PK`.
  std::vector<PeerConfig> more;
  if (auto st = apply_wg_set_params(target.extra_params, peer, &more); !st) {
    return base::SinkError::rejected("could not pass psk to WireGuard: " + st.error().message);
  }
  config.peers.push_back(std::move(peer));
  for (auto& p : more) config.peers.push_back(std::move(p));
  if (auto st = backend_->set_device(target.device, config); !st) {
    // Like a failing `wg` child in the reference: reported, not fatal to the event loop.
    return base::SinkError::rejected("could not pass psk to WireGuard: " + st.error().message);
  }
  return base::Ok{};
}

base::SinkStatus NativePskSink::install(const PreparedTarget& prepared,
                                        std::span<const uint8_t, 32> psk) {
  if (prepared.names_more_peers) {
    auto r = install(prepared.target, psk);
    if (!r.ok() || !prepared.rehandshake) return r;
    // The further peers are set; now re-add ours with what the device holds for it.
    PeerConfig again;
    again.public_key = prepared.target.peer;
    again.preshared_key = WgSecretKey::from(psk);
    if (auto st = set_psk_and_rehandshake(*backend_, prepared.target.device, std::move(again));
        !st) {
      return base::SinkError::rejected("could not pass psk to WireGuard: " + st.error().message);
    }
    return r;
  }
  if (prepared.parse_error) {
    return base::SinkError::rejected("could not pass psk to WireGuard: " + *prepared.parse_error);
  }
  DeviceConfig config;
  PeerConfig peer;  // the prepared one holds no secret, so it is copied field by field
  peer.public_key = prepared.peer.public_key;
  peer.endpoint = prepared.peer.endpoint;
  peer.persistent_keepalive = prepared.peer.persistent_keepalive;
  peer.allowed_ips = prepared.peer.allowed_ips;
  peer.update_only = prepared.peer.update_only;
  peer.remove = prepared.peer.remove;
  peer.preshared_key = WgSecretKey::from(psk);
  if (prepared.rehandshake) {
    if (auto st = set_psk_and_rehandshake(*backend_, prepared.target.device, std::move(peer));
        !st) {
      return base::SinkError::rejected("could not pass psk to WireGuard: " + st.error().message);
    }
    return base::Ok{};
  }
  config.peers.push_back(std::move(peer));
  if (auto st = backend_->set_device(prepared.target.device, config); !st) {
    return base::SinkError::rejected("could not pass psk to WireGuard: " + st.error().message);
  }
  return base::Ok{};
}

}  // namespace rosenpass::wireguard
