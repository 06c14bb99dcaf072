#include "rosenpass/wireguard/device_config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <strings.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "rosenpass/base/host_port.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/secure_memory.h"

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
  // wg splits at the last ':', so "::1:51820" is host "::1" (a numeric IPv6 address).
  auto hp = base::parse_host_port(text);
  if (!hp) return std::nullopt;
  const std::string& host = hp->host;
  const uint16_t port_number = hp->port;
  const std::string port = std::to_string(port_number);

  Endpoint ep;
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port_number);
    std::memcpy(&ep.address, &v4, sizeof v4);
    ep.length = sizeof v4;
    return ep;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port_number);
    std::memcpy(&ep.address, &v6, sizeof v6);
    ep.length = sizeof v6;
    return ep;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) {
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

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string ticked(std::string_view v) {
  return "`" + std::string(v) + "'";
}

// wg's allowed-ips list: spaces anywhere are dropped, "" means none, every entry must parse.
base::Status add_allowed_ips(std::string_view value, std::vector<AllowedIp>& out) {
  std::string list;
  for (char c : value) {
    if (!is_space(c)) list += c;
  }
  if (list.empty()) return base::Ok{};
  std::string_view rest = list;
  while (true) {
    auto comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    auto slash = entry.find('/');
    std::string addr(entry.substr(0, slash));
    AllowedIp ip;
    // wg decides the family by the presence of ':'.
    ip.family = addr.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (inet_pton(ip.family, addr.c_str(), ip.address.data()) != 1) {
      return base::make_error("Unable to parse IP address: " + ticked(addr));
    }
    const unsigned max = ip.family == AF_INET ? 32 : 128;
    ip.cidr = static_cast<uint8_t>(max);
    if (slash != std::string_view::npos) {
      std::string_view mask = entry.substr(slash + 1);
      auto cidr = !mask.empty() && is_digit(mask[0]) ? parse_uint<unsigned>(mask, max)
                                                     : std::optional<unsigned>();
      if (!cidr)
        return base::make_error("AllowedIP is not in the correct format: " + ticked(entry));
      ip.cidr = static_cast<uint8_t>(*cidr);
    }
    out.push_back(ip);
    if (comma == std::string_view::npos) return base::Ok{};
    rest.remove_prefix(comma + 1);
  }
}

// wg's key file: 44 base64 characters then only whitespace; an empty file is "no key".
base::Status read_key_file(const std::string& path, std::optional<WgSecretKey>& key) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return base::make_error("could not open key file " + ticked(path) + ": " +
                            std::strerror(errno));
  }
  std::array<char, 128> buf{};
  std::size_t len = 0;
  bool too_long = false;
  while (true) {
    ssize_t n = ::read(fd, buf.data() + len, buf.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      crypto::wipe(buf);
      return base::make_error("could not read key file " + ticked(path) + ": " + std::strerror(e));
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
    if (len == buf.size()) {
      too_long = true;
      break;
    }
  }
  ::close(fd);
  std::optional<std::string> err;
  std::string_view text(buf.data(), len);
  if (len == 0) {
    WgSecretKey none;  // all zero: the peer has no PSK
    crypto::wipe(none.reveal_mut());
    key = std::move(none);
  } else if (len < 44) {
    err = "Invalid length key in key file";
  } else {
    auto tail = text.substr(44);
    for (char c : tail) {
      if (!is_space(c)) {
        err = std::string("Found trailing character in key file: `") + c + "'";
        break;
      }
    }
    if (!err && too_long) err = "Invalid length key in key file";
    if (!err) {
      WgSecretKey k;
      if (crypto::base64_decode_into(text.substr(0, 44), k.reveal_mut())) {
        key = std::move(k);
      } else {
        err = "Key is not the correct length or format in key file " + ticked(path);
      }
    }
  }
  crypto::wipe(buf);
  if (err) return base::make_error(std::move(*err));
  return base::Ok{};
}

}  // namespace

base::Status apply_wg_set_params(const std::vector<std::string>& words, PeerConfig& first,
                                 std::vector<PeerConfig>* more) {
  PeerConfig* peer = &first;
  bool allowed_ips_seen = false;  // per peer clause: the first replaces, later ones add
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool has_value = i + 1 < words.size();
    if (w == "remove") {
      peer->remove = true;
    } else if (w == "peer" && has_value) {
      if (!more) return base::make_error("Invalid argument: peer (no further peers here)");
      WgPublicKey key{};
      if (!crypto::base64_decode_into(words[i + 1], key)) {
        return base::make_error("Key is not the correct length or format: " + ticked(words[i + 1]));
      }
      more->push_back(PeerConfig{});
      more->back().public_key = key;
      peer = &more->back();
      allowed_ips_seen = false;
      ++i;
    } else if (w == "endpoint" && has_value) {
      const std::string& v = words[++i];
      if (v.empty()) return base::make_error("Unable to parse empty endpoint");
      if (v[0] == '[' && v.find(']') == std::string::npos) {
        return base::make_error("Unable to find matching brace of endpoint: " + ticked(v));
      }
      auto colon = v[0] == '[' ? v.find(']') + 1 : v.rfind(':');
      if (colon == std::string::npos || colon >= v.size() || v[colon] != ':' ||
          colon + 1 == v.size()) {
        return base::make_error("Unable to find port of endpoint: " + ticked(v));
      }
      auto ep = parse_endpoint(v);
      if (!ep) return base::make_error("Unable to resolve endpoint: " + ticked(v));
      peer->endpoint = *ep;
    } else if (w == "allowed-ips" && has_value) {
      if (!allowed_ips_seen || !peer->allowed_ips) peer->allowed_ips.emplace();
      allowed_ips_seen = true;
      if (auto st = add_allowed_ips(words[++i], *peer->allowed_ips); !st) return st;
    } else if (w == "persistent-keepalive" && has_value) {
      const std::string& v = words[++i];
      std::optional<uint16_t> n;
      if (strcasecmp(v.c_str(), "off") == 0) {
        n = 0;
      } else if (!v.empty() && is_digit(v[0])) {
        n = parse_uint<uint16_t>(v, 65535);
      }
      if (!n) {
        return base::make_error("Persistent keepalive interval is neither 0/off nor 1-65535: " +
                                ticked(v));
      }
      peer->persistent_keepalive = *n;
    } else if (w == "preshared-key" && has_value) {
      if (auto st = read_key_file(words[++i], peer->preshared_key); !st) return st;
    } else {
      // What wg says for an unknown word, a word without its value, and a device word
      // (listen-port, fwmark, private-key) after a peer.
      return base::make_error("Invalid argument: " + w);
    }
  }
  return base::ok_status();
}

}  // namespace rosenpass::wireguard
