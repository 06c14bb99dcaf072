// The `rosenpass` program: turns a parsed command line into actions, messages and an exit
// code. Key generation and the daemon itself are injected, so the command layer is testable
// on its own and tools/rosenpass/main.cpp stays a few lines.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "rosenpass/daemon/cli.h"
#include "rosenpass/daemon/config.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::daemon {

struct Services {
  // Fresh static keypair (Classic McEliece 460896 key generation).
  std::function<void(kem::mceliece460896::PublicKey&, kem::mceliece460896::SecretKey&)>
      generate_keypair;
  // Runs the daemon on a validated configuration; returns the process exit code.
  std::function<int(Config&&, const GlobalOptions&)> run_daemon;
};

// Runs `rosenpass` with `args` (without the program name); returns the exit code.
int run_rosenpass(std::span<const std::string> args, const Services& services);

}  // namespace rosenpass::daemon
