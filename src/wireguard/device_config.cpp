#include "rosenpass/wireguard/device_config.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <charconv>
#include <cstring>

namespace rosenpass::wireguard {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
std::optional<T> parse_uint(std::string_view s, T max) {
  unsigned long v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return static_cast<T>(v);
}

}  // namespace

bool DeviceInfo::has_peer(const WgPublicKey& key) const {
  for (const auto& p : peers) {
    if (p.public_key == key) return true;
  }
  return false;
}

std::optional<AllowedIp> parse_allowed_ip(std::string_view text) {
  text = trim(text);
  AllowedIp ip;
  std::string_view addr = text;
  std::optional<uint8_t> cidr;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    cidr = parse_uint<uint8_t>(text.substr(slash + 1), 128);
    if (!cidr) return std::nullopt;
  }
  std::string a(addr);
  if (inet_pton(AF_INET, a.c_str(), ip.address.data()) == 1) {
    ip.family = AF_INET;
    ip.cidr = cidr.value_or(32);
    if (ip.cidr > 32) return std::nullopt;
  } else if (inet_pton(AF_INET6, a.c_str(), ip.address.data()) == 1) {
    ip.family = AF_INET6;
    ip.cidr = cidr.value_or(128);
  } else {
    return std::nullopt;
  }
  return ip;
}

std::optional<std::vector<AllowedIp>> parse_allowed_ips(std::string_view text) {
  std::vector<AllowedIp> out;
  if (trim(text).empty()) return out;  // `allowed-ips ""` clears the list, as in wg
  while (true) {
    auto comma = text.find(',');
    auto ip = parse_allowed_ip(text.substr(0, comma));
    if (!ip) return std::nullopt;
    out.push_back(*ip);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  std::string host;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) return std::nullopt;  // bare IPv6 needs brackets
  }
  auto port_number = parse_uint<uint16_t>(port, 65535);
  if (host.empty() || !port_number) return std::nullopt;

  Endpoint ep;
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(*port_number);
    std::memcpy(&ep.address, &v4, sizeof v4);
    ep.length = sizeof v4;
    return ep;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(*port_number);
    std::memcpy(&ep.address, &v6, sizeof v6);
    ep.length = sizeof v6;
    return ep;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  std::string port_text(port);
  if (getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res) != 0 || !res) {
    return std::nullopt;
  }
  std::memcpy(&ep.address, res->ai_addr, res->ai_addrlen);
  ep.length = res->ai_addrlen;
  freeaddrinfo(res);
  return ep;
}

std::string format_allowed_ip(const AllowedIp& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.family, ip.address.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(ip.cidr);
}

std::string format_endpoint(const Endpoint& ep) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ep.address.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ep.address);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(a->sin_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ep.address);
  inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
  // Appended: GCC 12 warns falsely (-Wrestrict) on `"[" + std::string(...)` at -O3.
  std::string out = "[";
  out.append(buf).append("]:").append(std::to_string(ntohs(a->sin6_port)));
  return out;
}

std::optional<std::string> apply_wg_set_params(const std::vector<std::string>& words,
                                               PeerConfig& peer) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (i + 1 >= words.size()) return "WireGuard parameter '" + w + "' needs a value";
    const std::string& value = words[++i];
    if (w == "endpoint") {
      auto ep = parse_endpoint(value);
      if (!ep) return "invalid WireGuard endpoint '" + value + "'";
      peer.endpoint = *ep;
    } else if (w == "persistent-keepalive") {
      auto n = value == "off" ? std::optional<uint16_t>(0) : parse_uint<uint16_t>(value, 65535);
      if (!n) return "invalid WireGuard persistent-keepalive '" + value + "'";
      peer.persistent_keepalive = *n;
    } else if (w == "allowed-ips") {
      auto ips = parse_allowed_ips(value);
      if (!ips) return "invalid WireGuard allowed-ips '" + value + "'";
      peer.allowed_ips = std::move(*ips);
    } else {
      return "unsupported WireGuard parameter '" + w + "'";
    }
  }
  return std::nullopt;
}

}  // namespace rosenpass::wireguard
