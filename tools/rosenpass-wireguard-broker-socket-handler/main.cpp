// rosenpass-wireguard-broker-socket-handler: accepts PSK broker clients on a unix socket and
// forwards their requests to one privileged helper. Holds no capability itself.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

#include "rosenpass/wireguard/broker.h"
#include "rosenpass/wireguard/capabilities.h"
#include "rosenpass/wireguard/confine.h"

using namespace rosenpass::wireguard;

namespace {

constexpr const char* kUsage =
    "Usage: rosenpass-wireguard-broker-socket-handler (--listen-path PATH | --listen-fd FD |\n"
    "           --stream-fd FD) [--user USER] [-- COMMAND [ARGS...]]\n"
    "  --listen-path PATH  listen on a new unix socket at PATH (must not exist)\n"
    "  --listen-fd FD      use an inherited listening socket\n"
    "  --stream-fd FD      serve one inherited connection; exit when it closes\n"
    "  --user USER         run as USER once listening and the helper runs (when root)\n"
    "  COMMAND             the privileged helper (default rosenpass-wireguard-broker-privileged)\n";

std::optional<int> parse_fd(const char* s) {
  int v = -1;
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), v);
  if (ec != std::errc() || *p || v < 0) return std::nullopt;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  broker::SocketHandlerOptions opts;
  std::optional<std::string> user;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version" || a == "-V") {
      std::puts("rosenpass-wireguard-broker-socket-handler " RP_VERSION);
      return 0;
    } else if (a == "--listen-path") {
      const char* v = value();
      if (!v) break;
      opts.listen_path = v;
    } else if (a == "--user") {
      const char* v = value();
      if (!v) break;
      user = v;
    } else if (a == "--listen-fd" || a == "--stream-fd") {
      const char* v = value();
      auto fd = v ? parse_fd(v) : std::nullopt;
      if (!fd) {
        std::fprintf(stderr, "error: invalid file descriptor for %s\n\n%s", a.c_str(), kUsage);
        return 2;
      }
      (a == "--listen-fd" ? opts.listen_fd : opts.stream_fd) = *fd;
    } else if (a == "--") {
      opts.helper_command.assign(argv + i + 1, argv + argc);
      if (opts.helper_command.empty()) {
        std::fprintf(stderr, "error: no command after --\n\n%s", kUsage);
        return 2;
      }
      break;
    } else {
      std::fprintf(stderr, "error: unexpected argument '%s'\n\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  int sources =
      opts.listen_path.has_value() + opts.listen_fd.has_value() + opts.stream_fd.has_value();
  if (sources != 1) {
    std::fprintf(stderr, "error: exactly one of --listen-path, --listen-fd, --stream-fd\n\n%s",
                 kUsage);
    return 2;
  }
  // Until the helper runs we only keep CAP_NET_ADMIN to pass on to it; after that nothing.
  // Switching to --user needs CAP_SETUID/CAP_SETGID until then: the helper, started as root,
  // cuts its own capabilities to CAP_NET_ADMIN.
  if (auto st = user ? rosenpass::base::ok_status()
                     : restrict_capabilities(CapabilityRole::kPassNetAdmin);
      !st) {
    std::fprintf(stderr, "rosenpass-wireguard-broker-socket-handler: %s\n",
                 st.error().message.c_str());
    return 1;
  }
  opts.after_setup = [user] {
    return confine_process({CapabilityRole::kNone, user,
                            rosenpass::hardening::SyscallProfile::kNetworkService});
  };
  return broker::run_socket_handler(opts);
}
