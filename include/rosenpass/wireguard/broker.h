// The two broker processes of application.md §4.7.1 as library functions; tools/ holds their
// thin main()s. Privileged: framed SetPsk requests on a pipe → WireGuard. Socket handler:
// accepts clients on a unix socket and serialises their requests through one privileged helper.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/broker_protocol.h"

namespace rosenpass::wireguard::broker {

// The privileged helper's action: the peer must already exist on the interface; its PSK is
// set with "update only" (§4.7.2). Missing interface → kNoSuchInterface.
ReturnCode handle_set_psk(WireGuardBackend& backend, const SetPskRequest& request);

// Serves requests from `in_fd`, answers on `out_fd` until EOF. Returns the process exit
// status: 0 on EOF between frames, 1 on a read/write error, EOF mid-frame or an oversized
// frame. Invalid but correctly framed requests get an internal-error response (the reference
// answers nothing and stalls; we answer).
int run_privileged_broker(int in_fd, int out_fd, WireGuardBackend& backend);

struct SocketHandlerOptions {
  std::optional<std::filesystem::path> listen_path;  // bind+listen; must not exist
  std::optional<int> listen_fd;                      // inherited listening socket
  std::optional<int> stream_fd;                      // one inherited connection; exit when it ends
  std::vector<std::string> helper_command{"rosenpass-wireguard-broker-privileged"};
  // Called once the socket is listening and the helper runs (it needs nothing more from us),
  // to confine this process; an error stops the handler (exit status 1).
  std::function<base::Status()> after_setup;
};

// Runs the socket handler until its stream ends (stream_fd), the helper dies, or a signal
// (SIGINT/SIGTERM) arrives. Returns the process exit status; errors are written to stderr.
int run_socket_handler(const SocketHandlerOptions& options);

}  // namespace rosenpass::wireguard::broker
