// The daemon's listening UDP sockets (application.md §4.2): one per `listen` address bound
// exactly as given, or a kernel-chosen dual-stack port when none is configured.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rosenpass/daemon/result.h"
#include "rosenpass/daemon/socket_address.h"

namespace rosenpass::daemon {

// Room for the datagrams one recvmmsg(2) takes (UdpSocket::receive_batch): 8 of 4 KiB, far
// longer than any message (a longer datagram arrives truncated and is dropped by size).
struct ReceiveBatch {
  static constexpr std::size_t kCapacity = 8;
  std::array<std::array<uint8_t, 4096>, kCapacity> bytes;
  std::array<std::size_t, kCapacity> length{};
  std::array<SocketAddress, kCapacity> from{};
  std::span<const uint8_t> datagram(std::size_t i) const { return {bytes[i].data(), length[i]}; }
};

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
  // Receives up to kCapacity pending datagrams with one syscall; how many (0: none pending).
  // Fewer than kCapacity means the queue is now empty: no further call is needed to find
  // out, which spares the event loop one recvfrom(2) per datagram when traffic is sparse.
  std::size_t receive_batch(ReceiveBatch& batch) const;

 private:
  int fd_ = -1;
  int family_ = 0;
  bool v6_only_ = false;
};

// Binds every address in order (any failure is an error naming the address), or with an
// empty list `[::]:0` plus `0.0.0.0:0` when the IPv6 socket cannot take IPv4.
Result<std::vector<UdpSocket>> bind_listen_sockets(std::span<const SocketAddress> listen);

}  // namespace rosenpass::daemon
