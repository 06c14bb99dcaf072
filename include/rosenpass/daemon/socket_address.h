// UDP socket addresses: literal parsing as the reference's SocketAddr, "host:port" resolution
// (§4.3 of application.md), and printing.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&storage); }
  uint16_t port() const;
  // "1.2.3.4:5", "[::1]:5", "[fe80::1%2]:5".
  std::string to_string() const;
  bool operator==(const SocketAddress& o) const;

  static SocketAddress from_sockaddr(const sockaddr* sa, socklen_t len);
  // "IPv4:port" or "[IPv6]:port" (numeric scope ids allowed); no host names, no bare IPv6.
  static std::optional<SocketAddress> parse_literal(std::string_view text);
};

// A literal, or else "host:port" split at the last ':' with the host resolved by DNS; every
// resolved address in resolver order, duplicates removed.
Result<std::vector<SocketAddress>> resolve_host_port(std::string_view text);

}  // namespace rosenpass::daemon
