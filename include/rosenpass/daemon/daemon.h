// The key-exchange daemon (application.md §4): loads keys, binds sockets, builds a
// daemon::Runtime (runtime.h) from the config, and runs a thin event loop around it (epoll,
// signalfd, timerfd) until SIGINT/SIGTERM/SIGQUIT.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/peer_loader.h"

namespace rosenpass::daemon {

struct DaemonHooks {
  // Sinks the daemon cannot build itself (WireGuard PSK delivery: rp_wireguard).
  SinkFactories sinks;
  // Descriptors of sinks with a life of their own (a spawned PSK broker's pidfd and socket):
  // watched for readability; `on_ready` runs whenever one is readable.
  struct Watch {
    int fd;
    std::function<void()> on_ready;
  };
  std::vector<Watch> watches;
  // Called at the end of set-up (keys and PSK files read, UDP and control-API sockets bound,
  // endpoints resolved), to drop privileges and confine the process (user, capabilities,
  // seccomp); an error stops start-up. Without a keypair (one comes by SupplyKeypair)
  // it is called once the sockets are ready; files named later (peers added through the
  // control API) are then read with the reduced privileges.
  std::function<Status()> drop_privileges;
  // Control API AddPskBroker: deliver WireGuard PSKs through the broker on this connected
  // unix stream (ownership passes) from now on. Unset: the request is refused.
  std::function<Status(int broker_fd)> use_psk_broker;
};

// Runs until a termination signal (exit code 0) or a fatal error (logged, exit code 1).
// Secrets are erased before it returns.
int run_daemon(Config config, const DaemonHooks& hooks);

}  // namespace rosenpass::daemon
