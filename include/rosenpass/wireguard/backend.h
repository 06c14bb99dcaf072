// Reaching a WireGuard interface: kernel WireGuard over generic netlink, or a userspace
// implementation (wireguard-go, boringtun) over its UAPI socket, chosen per device as `wg` does.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <variant>

#include "rosenpass/wireguard/device_config.h"

namespace rosenpass::wireguard {

class WireGuardBackend {
 public:
  virtual ~WireGuardBackend() = default;
  virtual WgStatus set_device(std::string_view device, const DeviceConfig& config) = 0;
  virtual base::Result<DeviceInfo, WgError> get_device(std::string_view device) = 0;
};

// Where userspace implementations put their UAPI sockets.
inline constexpr const char* kDefaultUapiSocketDir = "/var/run/wireguard";

// Userspace WireGuard: <socket_dir>/<device>.sock, the cross-platform configuration protocol.
std::unique_ptr<WireGuardBackend> make_uapi_backend(
    std::filesystem::path socket_dir = kDefaultUapiSocketDir);
// One generic netlink socket as the kernel backend uses it: whole datagrams out and in.
// Tests put a fake kernel behind it; the default is a real NETLINK_GENERIC socket.
class NetlinkChannel {
 public:
  virtual ~NetlinkChannel() = default;
  virtual int send(std::span<const uint8_t> datagram) = 0;  // 0 or an errno value
  virtual ssize_t receive(std::span<uint8_t> buffer) = 0;    // length, or -errno
  virtual uint32_t port_id() const = 0;
};
// A fresh channel for one request (a dump cut short leaves replies behind), or an errno value.
using NetlinkChannelFactory = std::function<base::Result<std::unique_ptr<NetlinkChannel>, int>()>;

// Kernel WireGuard: generic netlink family "wireguard". A device dump that the kernel marks
// interrupted (NLM_F_DUMP_INTR: the device changed meanwhile) is retried, as wg does.
std::unique_ptr<WireGuardBackend> make_kernel_backend(NetlinkChannelFactory open_channel = {});
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
WgStatus set_psk_and_rehandshake(WireGuardBackend& backend, std::string_view device,
                                 PeerConfig peer);

// True if `<socket_dir>/<device>.sock` accepts a connection.
bool uapi_socket_available(const std::filesystem::path& socket_dir, std::string_view device);
// 0 if `<socket_dir>/<device>.sock` accepts a connection, else the errno of the attempt:
// ENOENT/ECONNREFUSED (no live socket), EACCES/EPERM (a socket we may not use, e.g. a
// root-only socket for a service user: the device is userspace, but out of our reach).
int uapi_socket_probe(const std::filesystem::path& socket_dir, std::string_view device);

}  // namespace rosenpass::wireguard
