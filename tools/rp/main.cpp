// rp: from key generation to a post-quantum WireGuard VPN (application.md §6).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "rosenpass/rp/cli.h"
#include "rosenpass/rp/config.h"
#include "rosenpass/rp/exchange.h"
#include "rosenpass/rp/keys.h"
#include "rosenpass/version.h"

using namespace rosenpass::rp;

namespace {

void print_error(const std::string& msg) {
  std::fprintf(stderr, "Error: %s\n", msg.c_str());
}

// Info records appear only when RUST_LOG asks for them, as with the reference.
void print_info(const std::string& msg) {
  const char* level = std::getenv("RUST_LOG");
  if (!level) return;
  std::string l = level;
  if (l.find("info") != std::string::npos || l.find("debug") != std::string::npos ||
      l.find("trace") != std::string::npos)
    std::fprintf(stderr, "[INFO rp] %s\n", msg.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parse_command_line(args);
  if (auto* e = std::get_if<UsageError>(&parsed)) {
    std::fprintf(stderr, "%s\n%s\n", e->note.c_str(), e->usage.c_str());
    return 1;
  }
  auto& cl = std::get<CommandLine>(parsed);
  if (cl.explain) std::fputs("WARN: the explain argument is no longer supported\n", stderr);
  ExchangeEnvironment env{find_rosenpass_program(), "wireguard-go", print_info, print_error};

  switch (cl.command) {
    case Command::kHelp:
      std::puts(kHelpUsage);
      return 0;
    case Command::kVersion:
      std::printf("rp %s\n", rosenpass::kVersion);
      return 0;
    case Command::kGenkey: {
      auto st = genkey(cl.private_keys_dir, default_keypair_generator(),
                       [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); });
      if (!st) print_error(st.error().message);
      return st ? 0 : 1;
    }
    case Command::kPubkey: {
      auto st = pubkey(cl.private_keys_dir, cl.public_keys_dir);
      if (!st) print_error(st.error().message);
      return st ? 0 : 1;
    }
    case Command::kExchange:
      return run_exchange(cl.exchange, env);
    case Command::kExchangeConfig: {
      auto loaded = load_exchange_config(cl.config_file);
      if (!loaded) {
        print_error(loaded.error().message);
        return 1;
      }
      auto& options = *loaded;
      options.verbose = options.verbose || cl.verbose;
      return run_exchange(options, env);
    }
  }
  return 1;
}
