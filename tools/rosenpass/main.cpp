// rosenpass: post-quantum key exchange beside WireGuard. All behaviour lives in rp_daemon;
// this file only picks the factories: key generation, the daemon and WireGuard key sinks.
#include <chrono>
#include <string>
#include <vector>

#include "rosenpass/crypto/random.h"
#include "rosenpass/daemon/app.h"
#include "rosenpass/daemon/logging.h"
#ifdef RP_HAVE_PROTOCOL
#include "rosenpass/daemon/daemon.h"
#endif
#ifdef RP_HAVE_WIREGUARD
#include <unistd.h>

#include "rosenpass/daemon/config_safety.h"
#include "rosenpass/hardening/sandbox.h"
#include "rosenpass/wireguard/capabilities.h"
#include "rosenpass/wireguard/broker_psk_sink.h"
#include "rosenpass/wireguard/key_sinks.h"
#include "rosenpass/wireguard/switchable_psk_sink.h"
#include "confinement.h"
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
    const wireguard::PskSinkChoice choice{options.psk_broker_path, options.psk_broker_fd,
                                          options.psk_broker_spawn};
    // With the control API, peers with WireGuard targets may arrive later (add-peer).
    bool wants_wireguard = choice.uses_broker() || !cfg.api.empty();
    for (const auto& p : cfg.peers) wants_wireguard = wants_wireguard || p.wireguard.has_value();
    if (wants_wireguard) {
      auto warn = [](const std::string& m) { daemon::log_warn(m); };
      auto sink = wireguard::open_psk_sink(choice, warn);
      if (!sink) {
        daemon::log_error(sink.error().chain());
        return 1;
      }
      if (int fd = (*sink)->watch_fd(); fd >= 0) {
        hooks.watches.push_back(
            {fd, [psk = *sink] { psk->on_ready(std::chrono::steady_clock::now()); }});
      }
      // AddPskBroker (control API) switches every WireGuard peer to a new broker.
      auto psk = std::make_shared<wireguard::SwitchablePskSink>(std::move(*sink));
      hooks.sinks.wireguard = [psk](const daemon::WireGuardTarget& t, std::size_t index) {
        return wireguard::make_wireguard_key_sink(psk, t.device, t.peer, t.extra_params, index,
                                                  t.rehandshake);
      };
      hooks.use_psk_broker = [psk, warn](int fd) -> daemon::Status {
        auto broker = wireguard::BrokerPskSink::from_fd(fd);
        broker->on_error(warn);
        psk->replace(std::move(broker));
        return daemon::ok_status();
      };
    }
    // Only whoever talks to WireGuard keeps CAP_NET_ADMIN: we do when installing PSKs
    // ourselves; with a broker (already connected or spawned by now) we need nothing.
    const auto role = wants_wireguard && !choice.uses_broker()
                          ? wireguard::CapabilityRole::kUseNetAdmin
                          : wireguard::CapabilityRole::kNone;
    auto confine = tools::confinement(cfg, options, role);
    // Peers (and their key_out files) are prepared before the switch to the service user:
    // they ask whether that user may create files beside key_out (atomic replacement) or the
    // file is rewritten in place, so the one warning comes at start.
    if (confine.user && ::geteuid() == 0) {
      auto user = hardening::lookup_user(*confine.user);
      if (const hardening::UserIdentity* u = user ? &*user : nullptr) {
        hooks.sinks.key_out_writer_can_create_in =
            [who = daemon::WriterIdentity{u->uid, u->gid, u->groups}](const std::string& dir) {
              return daemon::can_create_files_in(dir, who);
            };
      }
    }
    hooks.drop_privileges = [confine] { return wireguard::confine_process(confine); };
#else
    (void)options;
#endif
    return daemon::run_daemon(std::move(cfg), hooks);
  };
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  return daemon::run_rosenpass(args, services);
}
