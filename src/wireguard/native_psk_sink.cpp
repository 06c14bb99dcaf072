#include "rosenpass/wireguard/native_psk_sink.h"

namespace rosenpass::wireguard {

NativePskSink::NativePskSink(std::unique_ptr<WireGuardBackend> backend)
    : backend_(std::move(backend)) {}

PskDeliveryResult NativePskSink::install(const WireGuardPeerTarget& target,
                                         std::span<const uint8_t, 32> psk) {
  DeviceConfig config;
  PeerConfig peer;
  peer.public_key = target.peer;
  peer.preshared_key = WgSecretKey::from(psk);
  // extra_params may name further peers (`peer KEY ...`), as after `wg set DEV peer PK`.
  std::vector<PeerConfig> more;
  if (auto err = apply_wg_set_params(target.extra_params, peer, &more)) {
    return {PskDeliveryStatus::kRejected, "could not pass psk to WireGuard: " + *err};
  }
  config.peers.push_back(std::move(peer));
  for (auto& p : more) config.peers.push_back(std::move(p));
  if (auto err = backend_->set_device(target.device, config)) {
    // Like a failing `wg` child in the reference: reported, not fatal to the event loop.
    return {PskDeliveryStatus::kRejected, "could not pass psk to WireGuard: " + err->message};
  }
  return {};
}

}  // namespace rosenpass::wireguard
