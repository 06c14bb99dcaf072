#include "confinement.h"

namespace rosenpass::tools {

wireguard::ConfineOptions confinement(const daemon::Config& config,
                                      const daemon::GlobalOptions& options,
                                      wireguard::CapabilityRole role) {
  wireguard::ConfineOptions o;
  o.role = role;
  o.user = options.user ? options.user : config.user;
  o.syscalls = options.psk_broker_spawn ? hardening::SyscallProfile::kSpawner
                                        : hardening::SyscallProfile::kNetworkService;
  return o;
}

}  // namespace rosenpass::tools
