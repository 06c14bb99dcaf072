#include "rosenpass/wireguard/psk_sink.h"

#include "rosenpass/crypto/random.h"

namespace rosenpass::wireguard {

PskDeliveryResult install_random(PskSink& sink, const WireGuardPeerTarget& target) {
  auto psk = crypto::Secret<32>::random(crypto::system_random());
  return sink.install(target, psk.reveal());
}

}  // namespace rosenpass::wireguard
