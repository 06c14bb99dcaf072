// `rp exchange` (application.md §6.3): creates the WireGuard interface (kernel WireGuard via
// rtnetlink, or a wireguard-go child where the kernel has none), configures it, and runs
// `rosenpass exchange-config` for the peers; removes the interface on exit and on
// SIGINT/SIGTERM/SIGQUIT.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "rosenpass/rp/cli.h"

namespace rosenpass::rp {

struct ExchangeEnvironment {
  std::filesystem::path rosenpass_program;  // see find_rosenpass_program()
  std::string wireguard_go = "wireguard-go";
  std::function<void(const std::string&)> info;   // info-level log lines
  std::function<void(const std::string&)> error;  // "Error: …" lines
};

// $RP_ROSENPASS if set; else `rosenpass` beside this program (or in the build tree's
// tools/rosenpass/); else `rosenpass` from PATH.
std::filesystem::path find_rosenpass_program();

// Runs the exchange until a signal or rosenpass's exit; returns the process exit code.
int run_exchange(const ExchangeOptions& options, const ExchangeEnvironment& env);

// The `rosenpass` TOML configuration for these options (paths made absolute); `wg_peers[i]`
// is peer i's WireGuard public key in base64. Exposed for tests.
std::string rosenpass_config_for(const ExchangeOptions& options, const std::string& device,
                                 const std::vector<std::string>& wg_peers);

}  // namespace rosenpass::rp
