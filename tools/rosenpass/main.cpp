// rosenpass: post-quantum key exchange beside WireGuard. All behaviour lives in rp_daemon;
// this file only wires in key generation, the daemon and WireGuard PSK delivery.
#include <string>
#include <vector>

#include "rosenpass/crypto/random.h"
#include "rosenpass/daemon/app.h"
#include "rosenpass/daemon/logging.h"
#ifdef RP_HAVE_PROTOCOL
#include "rosenpass/daemon/daemon.h"
#endif
#ifdef RP_HAVE_WIREGUARD
#include "rosenpass/wireguard/capabilities.h"
#include "confinement.h"
#include "wireguard_delivery.h"
#endif
#include "rosenpass/kem/mceliece460896.h"

int main(int argc, char** argv) {
  using namespace rosenpass;
  daemon::Services services;
  services.generate_keypair = [](kem::mceliece460896::PublicKey& pk,
                                 kem::mceliece460896::SecretKey& sk) {
    kem::mceliece460896::keypair(pk, sk, crypto::system_random());
  };
#ifdef RP_HAVE_PROTOCOL
  services.run_daemon = [](daemon::Config&& cfg, const daemon::GlobalOptions& options) {
    daemon::DaemonHooks hooks;
#ifdef RP_HAVE_WIREGUARD
    bool wants_wireguard =
        options.psk_broker_path || options.psk_broker_fd || options.psk_broker_spawn;
    for (const auto& p : cfg.peers) wants_wireguard = wants_wireguard || p.wireguard.has_value();
    if (wants_wireguard) {
      auto delivery = tools::make_wireguard_delivery(options);
      if (!delivery) {
        daemon::log_error(delivery.error().chain());
        return 1;
      }
      hooks.psk_delivery = std::move(*delivery);
    }
    // Only whoever talks to WireGuard keeps CAP_NET_ADMIN: we do when installing PSKs
    // ourselves; with a broker (already connected or spawned by now) we need nothing.
    const bool uses_broker =
        options.psk_broker_path || options.psk_broker_fd || options.psk_broker_spawn;
    const auto role = wants_wireguard && !uses_broker ? wireguard::CapabilityRole::kUseNetAdmin
                                                      : wireguard::CapabilityRole::kNone;
    hooks.drop_privileges = [confine = tools::confinement(cfg, options, role)] {
      return wireguard::confine_process(confine);
    };
#else
    (void)options;
#endif
    return daemon::run_daemon(std::move(cfg), hooks);
  };
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  return daemon::run_rosenpass(args, services);
}
