// rosenpass: post-quantum key exchange beside WireGuard. All behaviour lives in rp_daemon;
// this file only wires in key generation and the daemon.
#include <string>
#include <vector>

#include "rosenpass/crypto/random.h"
#include "rosenpass/daemon/app.h"
#ifdef RP_HAVE_PROTOCOL
#include "rosenpass/daemon/daemon.h"
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
  services.run_daemon = [](daemon::Config&& cfg, const daemon::GlobalOptions&) {
    daemon::DaemonHooks hooks;
    return daemon::run_daemon(std::move(cfg), hooks);
  };
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  return daemon::run_rosenpass(args, services);
}
