#include "rosenpass/daemon/socket_address.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>

#include "rosenpass/base/host_port.h"

namespace rosenpass::daemon {

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return 0;
}

std::string SocketAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on `"%" + std::to_string(...)`.
    std::string out = "[";
    out.append(buf);
    if (a->sin6_scope_id != 0) out.append("%").append(std::to_string(a->sin6_scope_id));
    out.append("]:").append(std::to_string(port()));
    return out;
  }
  return "<unknown address family>";
}

bool SocketAddress::operator==(const SocketAddress& o) const {
  if (family() != o.family()) return false;
  if (family() == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
    auto* b = reinterpret_cast<const sockaddr_in*>(&o.storage);
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
  }
  if (family() == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
    auto* b = reinterpret_cast<const sockaddr_in6*>(&o.storage);
    return a->sin6_port == b->sin6_port && a->sin6_scope_id == b->sin6_scope_id &&
           std::equal(std::begin(a->sin6_addr.s6_addr), std::end(a->sin6_addr.s6_addr),
                      std::begin(b->sin6_addr.s6_addr));
  }
  return false;
}

SocketAddress SocketAddress::from_sockaddr(const sockaddr* sa, socklen_t len) {
  SocketAddress out;
  if (len > sizeof out.storage) len = sizeof out.storage;
  std::memcpy(&out.storage, sa, len);
  out.length = len;
  return out;
}

namespace {

SocketAddress from_literal(const base::IpLiteral& ip, uint16_t port) {
  SocketAddress out;
  if (ip.family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&out.storage);
    std::memcpy(&a->sin6_addr, ip.bytes.data(), 16);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    a->sin6_scope_id = ip.scope_id;
    out.length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&out.storage);
    std::memcpy(&a->sin_addr, ip.bytes.data(), 4);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    out.length = sizeof(sockaddr_in);
  }
  return out;
}

}  // namespace

std::optional<SocketAddress> SocketAddress::parse_literal(std::string_view text) {
  auto hp = base::parse_host_port(text);
  if (!hp) return std::nullopt;
  auto ip = base::ip_literal(*hp);
  if (!ip) return std::nullopt;
  return from_literal(*ip, hp->port);
}

Result<std::vector<SocketAddress>> resolve_host_port(std::string_view text) {
  auto hp = base::parse_host_port(text);
  if (!hp) return hp.error();
  if (auto ip = base::ip_literal(*hp))
    return std::vector<SocketAddress>{from_literal(*ip, hp->port)};
  if (hp->bracketed) {
    return make_error("invalid socket address `" + std::string(text) +
                      "`: not an IPv6 address between '[' and ']'");
  }
  const std::string& host = hp->host;
  const uint16_t port = hp->port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;  // one entry per address
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0)
    return make_error(std::string("failed to lookup address information: ") + gai_strerror(rc));
  std::vector<SocketAddress> out;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    SocketAddress a = SocketAddress::from_sockaddr(ai->ai_addr, ai->ai_addrlen);
    if (a.family() == AF_INET) {
      reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = htons(port);
    } else {
      reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = htons(port);
    }
    bool dup = false;
    for (const auto& e : out) dup = dup || e == a;
    if (!dup) out.push_back(a);
  }
  freeaddrinfo(res);
  if (out.empty()) return make_error("no addresses found for " + host);
  return out;
}

}  // namespace rosenpass::daemon
