// What the daemon gives up after set-up (issue 18 item 4): the capability role, the user from
// --user or the config's `user`, and the system-call profile (--psk-broker-spawn may restart
// its broker, so it keeps fork/exec).
#pragma once

#include "rosenpass/daemon/cli.h"
#include "rosenpass/daemon/config.h"
#include "rosenpass/wireguard/confine.h"

namespace rosenpass::tools {

wireguard::ConfineOptions confinement(const daemon::Config& config,
                                      const daemon::GlobalOptions& options,
                                      wireguard::CapabilityRole role);

}  // namespace rosenpass::tools
