#include "rosenpass/wireguard/psk_sink.h"

#include "rosenpass/crypto/random.h"

namespace rosenpass::wireguard {

PreparedTarget prepare_target(WireGuardPeerTarget target) {
  PreparedTarget p;
  p.peer.public_key = target.peer;
  p.parse_error = apply_wg_set_params(target.extra_params, p.peer);
  p.target = std::move(target);
  return p;
}

PskDeliveryResult install_random(PskSink& sink, const WireGuardPeerTarget& target) {
  auto psk = crypto::Secret<32>::random(crypto::system_random());
  return sink.install(target, psk.reveal());
}

}  // namespace rosenpass::wireguard
