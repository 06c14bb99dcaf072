// Dropping Linux capabilities at start-up (issue 7). Who needs what:
//   rosenpass-wireguard-broker-privileged   CAP_NET_ADMIN (talks to WireGuard)   → kUseNetAdmin
//   rosenpass-wireguard-broker-socket-handler  nothing itself; its spawned helper needs
//                                              CAP_NET_ADMIN unless that has file caps →
//                                              kPassNetAdmin
//   rosenpass with a broker option              nothing itself; --psk-broker-spawn passes it on →
//   kPassNetAdmin rosenpass without a broker (native PSK)     CAP_NET_ADMIN → kUseNetAdmin rp
//   exchange                                 CAP_NET_ADMIN (and may start wireguard-go)
#pragma once

#include <span>

#include "rosenpass/base/result.h"

namespace rosenpass::wireguard {

enum class CapabilityRole {
  kNone,          // no capabilities at all, none for children either
  kUseNetAdmin,   // CAP_NET_ADMIN effective; everything else dropped, bounding set included
  kPassNetAdmin,  // nothing effective; CAP_NET_ADMIN kept (bounding, inheritable, ambient) so a
                  // spawned helper can have it
};

// Drops every capability the role does not need, except those in `also_keep` (CAP_* numbers,
// kept permitted and effective and in the bounding set; for a root daemon's key output, see
// key_output_capabilities()). Capabilities the process does not have are not an error (an
// unprivileged process has nothing to drop). Error: the kernel refused a drop (the message
// names the step and errno).
base::Status restrict_capabilities(CapabilityRole role, std::span<const int> also_keep = {});

// What writing key_out files as root needs once everything else is dropped: CAP_DAC_OVERRIDE
// (open or replace a file or directory owned by another user), CAP_CHOWN (give the replacement
// the old file's owner) and CAP_FOWNER (replace a file in a sticky directory such as /tmp).
std::span<const int> key_output_capabilities();

// True if CAP_NET_ADMIN is in the effective set (for tests and diagnostics).
bool has_effective_net_admin();

}  // namespace rosenpass::wireguard
