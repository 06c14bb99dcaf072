// The daemon's listening UDP sockets (application.md §4.2): one per `listen` address bound
// exactly as given, or a kernel-chosen dual-stack port when none is configured.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "rosenpass/daemon/result.h"
#include "rosenpass/daemon/socket_address.h"

namespace rosenpass::daemon {

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(UdpSocket&& o) noexcept;
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // A non-blocking socket bound to `addr` (no SO_REUSEADDR, default IPV6_V6ONLY).
  static Result<UdpSocket> bind(const SocketAddress& addr);
  // Takes ownership of an existing UDP socket (control API AddListenSocket), bound or not;
  // makes it non-blocking. Error (fd closed) if it is not an IPv4/IPv6 datagram socket.
  static Result<UdpSocket> adopt(int fd);

  int fd() const { return fd_; }
  int family() const { return family_; }
  bool v6_only() const { return v6_only_; }
  SocketAddress local_address() const;

  // Whether this socket can reach `to` (an IPv6 dual-stack socket reaches IPv4 as v4-mapped).
  bool can_reach(const SocketAddress& to) const;
  // Sends one datagram; 0 or errno.
  int send_to(std::span<const uint8_t> bytes, const SocketAddress& to) const;
  // Receives one datagram into `buf`; its length, or nullopt when nothing is pending.
  std::optional<std::size_t> receive(std::span<uint8_t> buf, SocketAddress& from) const;

 private:
  int fd_ = -1;
  int family_ = 0;
  bool v6_only_ = false;
};

// Binds every address in order (any failure is an error naming the address), or with an
// empty list `[::]:0` plus `0.0.0.0:0` when the IPv6 socket cannot take IPv4.
Result<std::vector<UdpSocket>> bind_listen_sockets(std::span<const SocketAddress> listen);

}  // namespace rosenpass::daemon
