#include "rosenpass/wireguard/psk_sink.h"

#include "rosenpass/crypto/random.h"

namespace rosenpass::wireguard {

PreparedTarget prepare_target(WireGuardPeerTarget target) {
  PreparedTarget p;
  p.peer.public_key = target.peer;
  std::vector<PeerConfig> more;
  if (auto st = apply_wg_set_params(target.extra_params, p.peer, &more); !st) {
    p.parse_error = st.error().message;
  }
  // Further peers' settings, or a preshared-key word, hold secrets (a PeerConfig is not
  // copyable): those targets keep being parsed at each install, as before.
  p.names_more_peers = !more.empty() || p.peer.preshared_key.has_value();
  p.target = std::move(target);
  return p;
}

base::SinkStatus install_random(PskSink& sink, const WireGuardPeerTarget& target) {
  auto psk = crypto::Secret<32>::random(crypto::system_random());
  return sink.install(target, psk.reveal());
}

}  // namespace rosenpass::wireguard
