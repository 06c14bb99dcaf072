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
  // Called once the sockets are bound (a port below 1024 needs its capability until then),
  // to drop privileges; an error message stops start-up.
  std::function<std::optional<std::string>()> drop_privileges;
};

// Runs until a termination signal (exit code 0) or a fatal error (logged, exit code 1).
// Secrets are erased before it returns.
int run_daemon(Config config, const DaemonHooks& hooks);

}  // namespace rosenpass::daemon
