// The key-exchange daemon (application.md §4): loads keys, binds sockets, resolves
// endpoints, and runs the event loop over protocol::Server until SIGINT/SIGTERM/SIGQUIT.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/key_output.h"

namespace rosenpass::daemon {

struct DaemonHooks {
  // WireGuard PSK delivery for peers with `device`/`peer`; unset = refused at start-up.
  PskDelivery psk_delivery;
  // Called at the end of set-up (keys and PSK files read, sockets bound, endpoints resolved),
  // to drop privileges and confine the process; an error message stops start-up.
  std::function<std::optional<std::string>()> drop_privileges;
};

// Runs until a termination signal (exit code 0) or a fatal error (logged, exit code 1).
// Secrets are erased before it returns.
int run_daemon(Config config, const DaemonHooks& hooks);

}  // namespace rosenpass::daemon
