// Dropping Linux capabilities at start-up (issue 7). Who needs what:
//   rosenpass-wireguard-broker-privileged   CAP_NET_ADMIN (talks to WireGuard)   → kUseNetAdmin
//   rosenpass-wireguard-broker-socket-handler  nothing itself; its spawned helper needs
//                                              CAP_NET_ADMIN unless that has file caps →
//                                              kPassNetAdmin
//   rosenpass with a broker option              nothing itself; --psk-broker-spawn passes it on →
//   kPassNetAdmin rosenpass without a broker (native PSK)     CAP_NET_ADMIN → kUseNetAdmin rp
//   exchange                                 CAP_NET_ADMIN (and may start wireguard-go)
#pragma once

#include <optional>
#include <string>

namespace rosenpass::wireguard {

enum class CapabilityRole {
  kNone,          // no capabilities at all, none for children either
  kUseNetAdmin,   // CAP_NET_ADMIN effective; everything else dropped, bounding set included
  kPassNetAdmin,  // nothing effective; CAP_NET_ADMIN kept (bounding, inheritable, ambient) so a
                  // spawned helper can have it
};

// Drops every capability the role does not need. Capabilities the process does not have are
// not an error (an unprivileged process has nothing to drop). Returns an error message if the
// kernel refused a drop.
std::optional<std::string> restrict_capabilities(CapabilityRole role);

// True if CAP_NET_ADMIN is in the effective set (for tests and diagnostics).
bool has_effective_net_admin();

}  // namespace rosenpass::wireguard
