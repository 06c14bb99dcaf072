// The control API's command-line client (docs/api.md, man rosenpass-status): `rosenpass
// status [--json]`, `add-peer`, `update-peer`, `remove-peer`, talking to a daemon's API socket.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rosenpass::daemon {

// Where `rosenpass status` looks without --socket: the service's socket
// (/run/rosenpass/<interface>/api.sock with -i), else /run/rosenpass/api.sock, else the only
// /run/rosenpass/*/api.sock there is.
inline constexpr const char* kDefaultApiSocketDir = "/run/rosenpass";

struct ApiClientCommand {
  enum class Kind { kStatus, kAddPeer, kUpdatePeer, kRemovePeer };
  Kind kind = Kind::kStatus;
  std::optional<std::string> socket;     // -s/--socket PATH
  std::optional<std::string> interface;  // -i/--interface NAME
  bool json = false;                     // status --json
  std::string peer_id;                   // update/remove: base64 peer id
  // add-peer / update-peer
  std::optional<std::string> public_key;
  std::optional<std::string> endpoint;
  bool no_endpoint = false;
  std::optional<std::string> preshared_key;
  bool no_preshared_key = false;
  std::optional<std::string> key_out;
  std::optional<std::string> wireguard_device;
  std::optional<std::string> wireguard_peer;
  std::vector<std::string> wireguard_extra_params;
  std::optional<std::string> protocol_version;
  std::optional<std::string> osk_organization;
  std::vector<std::string> osk_labels;
};

// Runs the command; prints results on stdout and errors on stderr. Exit code 0 or 1.
int run_api_client_command(const ApiClientCommand& command);

// Man pages of the four commands: (file name, roff text), for --generate-manpage.
std::vector<std::pair<std::string, std::string>> api_client_man_pages();

// The socket path the command talks to (see kDefaultApiSocketDir).
std::string api_socket_path(const ApiClientCommand& command);

}  // namespace rosenpass::daemon
