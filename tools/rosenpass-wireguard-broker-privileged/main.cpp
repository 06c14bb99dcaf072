// rosenpass-wireguard-broker-privileged: reads framed SetPsk requests on stdin, sets WireGuard
// PSKs, writes framed responses on stdout. Keeps only CAP_NET_ADMIN.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "rosenpass/wireguard/broker.h"
#include "rosenpass/wireguard/capabilities.h"
#include "rosenpass/wireguard/confine.h"

using namespace rosenpass::wireguard;

int main(int argc, char** argv) {
  std::optional<std::string> user;
  if (argc == 3 && !std::strcmp(argv[1], "--user")) {
    user = argv[2];
  } else if (argc > 1) {
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
      std::puts(
          "Usage: rosenpass-wireguard-broker-privileged [--user USER]\n"
          "Reads PSK broker requests on stdin and answers on stdout; started by\n"
          "rosenpass-wireguard-broker-socket-handler. Needs CAP_NET_ADMIN.\n"
          "  --user USER  run as USER (when started as root), keeping only CAP_NET_ADMIN");
      return 0;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "-V")) {
      std::puts("rosenpass-wireguard-broker-privileged " RP_VERSION);
      return 0;
    }
    std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: takes only --user USER\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  auto backend = make_auto_backend();
  // Nothing to set up beyond the backend: confine at once, keeping only CAP_NET_ADMIN.
  if (auto st = confine_process({CapabilityRole::kUseNetAdmin, user,
                                 rosenpass::hardening::SyscallProfile::kNetworkService});
      !st) {
    std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: %s\n", st.error().message.c_str());
    return 1;
  }
  return broker::run_privileged_broker(0, 1, *backend);
}
