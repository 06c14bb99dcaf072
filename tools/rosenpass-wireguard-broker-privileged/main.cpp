// rosenpass-wireguard-broker-privileged: reads framed SetPsk requests on stdin, sets WireGuard
// PSKs, writes framed responses on stdout. Keeps only CAP_NET_ADMIN.
#include <signal.h>

#include <cstdio>
#include <cstring>

#include "rosenpass/wireguard/broker.h"
#include "rosenpass/wireguard/capabilities.h"

using namespace rosenpass::wireguard;

int main(int argc, char** argv) {
  if (argc > 1) {
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
      std::puts(
          "Usage: rosenpass-wireguard-broker-privileged\n"
          "Reads PSK broker requests on stdin and answers on stdout; started by\n"
          "rosenpass-wireguard-broker-socket-handler. Needs CAP_NET_ADMIN.");
      return 0;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "-V")) {
      std::puts("rosenpass-wireguard-broker-privileged " RP_VERSION);
      return 0;
    }
    std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: takes no arguments\n");
    return 2;
  }
  if (auto err = restrict_capabilities(CapabilityRole::kUseNetAdmin)) {
    std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: %s\n", err->c_str());
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  auto backend = make_auto_backend();
  return broker::run_privileged_broker(0, 1, *backend);
}
