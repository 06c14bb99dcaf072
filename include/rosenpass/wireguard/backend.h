// Reaching a WireGuard interface: kernel WireGuard over generic netlink, or a userspace
// implementation (wireguard-go, boringtun) over its UAPI socket, chosen per device as `wg` does.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "rosenpass/wireguard/device_config.h"

namespace rosenpass::wireguard {

class WireGuardBackend {
 public:
  virtual ~WireGuardBackend() = default;
  virtual WgSetResult set_device(std::string_view device, const DeviceConfig& config) = 0;
  virtual WgGetResult get_device(std::string_view device) = 0;
};

// Where userspace implementations put their UAPI sockets.
inline constexpr const char* kDefaultUapiSocketDir = "/var/run/wireguard";

// Userspace WireGuard: <socket_dir>/<device>.sock, the cross-platform configuration protocol.
std::unique_ptr<WireGuardBackend> make_uapi_backend(
    std::filesystem::path socket_dir = kDefaultUapiSocketDir);
// Kernel WireGuard: generic netlink family "wireguard".
std::unique_ptr<WireGuardBackend> make_kernel_backend();
// Userspace if a UAPI socket for the device accepts connections, else kernel (wg's rule).
std::unique_ptr<WireGuardBackend> make_auto_backend(
    std::filesystem::path socket_dir = kDefaultUapiSocketDir);

// Sets `peer.preshared_key` on `device` and forces a fresh WireGuard handshake under it: the
// peer is removed and added back with the endpoint, allowed IPs and persistent keepalive it
// had (fields set in `peer`, e.g. from extra_params, take precedence). Without this WireGuard
// keeps the session negotiated under the old (or no) PSK until its next rekey, up to two
// minutes; afterwards the next packet (or the keepalive) starts a handshake with the new PSK.
// A peer not yet on the device is simply created. Two set operations: the peer is absent for
// the moment between them (packets to it in that moment are dropped, as after a rekey).
WgSetResult set_psk_and_rehandshake(WireGuardBackend& backend, std::string_view device,
                                    PeerConfig peer);

// True if `<socket_dir>/<device>.sock` accepts a connection.
bool uapi_socket_available(const std::filesystem::path& socket_dir, std::string_view device);

}  // namespace rosenpass::wireguard
