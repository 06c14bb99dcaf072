// Confinement after set-up, in its order (issue 18 item 4), for rosenpass and both brokers:
//   1. if a user is given and we are root: switch to it, keeping the capabilities across the
//      switch (PR_SET_KEEPCAPS);
//   2. capabilities cut to the role (wireguard/capabilities.h), bounding set included: only
//      CAP_NET_ADMIN where PSK delivery needs it (effective, or inheritable+ambient to pass on);
//   3. no_new_privs and the seccomp filter (hardening/sandbox.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rosenpass/base/result.h"
#include "rosenpass/hardening/sandbox.h"
#include "rosenpass/wireguard/capabilities.h"

namespace rosenpass::wireguard {

struct ConfineOptions {
  CapabilityRole role = CapabilityRole::kNone;
  std::optional<std::string> user;  // name or uid; ignored unless running as root
  hardening::SyscallProfile syscalls = hardening::SyscallProfile::kNetworkService;
  bool seccomp = true;              // false: no_new_privs only (a debugging escape hatch)
  std::vector<int> keep_capabilities = {};  // besides the role's (restrict_capabilities' also_keep)
};

// Error: its message names the failing step; the process must not carry on then.
base::Status confine_process(const ConfineOptions& options);

}  // namespace rosenpass::wireguard
