#include "confinement.h"

#include <unistd.h>

#include "rosenpass/daemon/logging.h"

namespace rosenpass::tools {

wireguard::ConfineOptions confinement(const daemon::Config& config,
                                      const daemon::GlobalOptions& options,
                                      wireguard::CapabilityRole role) {
  wireguard::ConfineOptions o;
  o.role = role;
  o.user = options.user ? options.user : config.user;
  o.syscalls = options.psk_broker_spawn ? hardening::SyscallProfile::kSpawner
                                        : hardening::SyscallProfile::kNetworkService;
  // A root daemon without a service user writes key_out as root, like the reference: a file
  // owned by another user, or in another user's directory, was accepted by the start-up check
  // and must stay writable. Keep exactly what key output needs (peers added through the
  // control API may bring a key_out too); everything else is still dropped.
  bool writes_keys = !config.api.empty();
  for (const auto& p : config.peers) writes_keys = writes_keys || p.key_out.has_value();
  if (!o.user && ::geteuid() == 0 && writes_keys) {
    const auto caps = wireguard::key_output_capabilities();
    o.keep_capabilities.assign(caps.begin(), caps.end());
    daemon::log_info(
        "running as root without `user`: keeping CAP_DAC_OVERRIDE, CAP_CHOWN and CAP_FOWNER "
        "after set-up to write key_out files owned by other users (set `user` to run "
        "unprivileged instead)");
  }
  return o;
}

}  // namespace rosenpass::tools
