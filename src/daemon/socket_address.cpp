#include "rosenpass/daemon/socket_address.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>

namespace rosenpass::daemon {
namespace {

std::optional<uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

}  // namespace

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

std::optional<SocketAddress> SocketAddress::parse_literal(std::string_view text) {
  SocketAddress out;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    std::string host(text.substr(1, close - 1));
    auto port = parse_port(text.substr(close + 2));
    if (!port) return std::nullopt;
    uint32_t scope = 0;
    if (auto pct = host.find('%'); pct != std::string::npos) {
      // Only numeric scope ids, as the standard socket-address syntax allows.
      std::string_view sc = std::string_view(host).substr(pct + 1);
      auto [p, ec] = std::from_chars(sc.data(), sc.data() + sc.size(), scope);
      if (sc.empty() || ec != std::errc() || p != sc.data() + sc.size()) return std::nullopt;
      host.resize(pct);
    }
    auto* a = reinterpret_cast<sockaddr_in6*>(&out.storage);
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) return std::nullopt;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(*port);
    a->sin6_scope_id = scope;
    out.length = sizeof(sockaddr_in6);
    return out;
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string host(text.substr(0, colon));
  auto port = parse_port(text.substr(colon + 1));
  if (!port) return std::nullopt;
  auto* a = reinterpret_cast<sockaddr_in*>(&out.storage);
  // inet_pton accepts exactly the dotted-quad form, as the reference's parser does.
  if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) return std::nullopt;
  a->sin_family = AF_INET;
  a->sin_port = htons(*port);
  out.length = sizeof(sockaddr_in);
  return out;
}

Result<std::vector<SocketAddress>> resolve_host_port(std::string_view text) {
  if (auto lit = SocketAddress::parse_literal(text)) return std::vector<SocketAddress>{*lit};
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return make_error("invalid socket address");
  std::string host(text.substr(0, colon));
  auto port = parse_port(text.substr(colon + 1));
  if (!port) return make_error("invalid port value");
  if (host.empty()) return make_error("invalid socket address");
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
      reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = htons(*port);
    } else {
      reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = htons(*port);
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
