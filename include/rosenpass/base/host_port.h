// "host:port" text, split and checked once for every layer (config endpoints and listen
// addresses, the exchange grammar, rp's command line and config, the control API, WireGuard's
// `endpoint`). Parsing only: resolving a host name stays with the caller, outside any event
// loop.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rosenpass/base/result.h"

namespace rosenpass::base {

struct HostPort {
  std::string host;        // without the brackets; never empty
  uint16_t port = 0;       // 0-65535
  bool bracketed = false;  // written "[host]:port"
};

// Accepts "[host]:port" (an IPv6 literal, maybe with "%scope") and "host:port" split at the
// last ':' (so an unbracketed host may contain ':'; callers that want no bare IPv6 check
// it). The port is decimal digits only, at most 65535. Errors name the text:
//   invalid socket address `x`: no port (expected host:port or [IPv6]:port)
//   invalid socket address `[x`: no closing ']'
//   invalid socket address `:5`: empty host
//   invalid port value `70000` in `x:70000` (expected 0-65535)
Result<HostPort> parse_host_port(std::string_view text);

// Decimal digits only, at most 65535 (no sign, no spaces); nullopt otherwise.
std::optional<uint16_t> parse_port(std::string_view text);

// A numeric IP address as the socket-address syntax writes it.
struct IpLiteral {
  int family = 0;                   // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};  // network order; 4 bytes used for AF_INET
  uint32_t scope_id = 0;            // IPv6 only: the numeric "%scope"
};

// The literal a HostPort names: unbracketed, an IPv4 dotted quad; bracketed, an IPv6 address
// with an optional numeric scope id ("fe80::1%2"). nullopt for anything else (host names,
// scope names, bare IPv6).
std::optional<IpLiteral> ip_literal(const HostPort& hp);

}  // namespace rosenpass::base
