#include "rosenpass/base/host_port.h"

#include <arpa/inet.h>

#include <charconv>

namespace rosenpass::base {
namespace {

std::string ticked(std::string_view s) {
  return "`" + std::string(s) + "`";
}

Error invalid(std::string_view text, std::string_view why) {
  return make_error("invalid socket address " + ticked(text) + ": " + std::string(why));
}

}  // namespace

std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // Leading zeros are allowed, so the value is bounded, not the length.
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
    if (v > 65535) return std::nullopt;
  }
  return static_cast<uint16_t>(v);
}

Result<HostPort> parse_host_port(std::string_view text) {
  HostPort out;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return invalid(text, "no closing ']'");
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid(text, "no port after ']' (expected [IPv6]:port)");
    }
    out.host = std::string(text.substr(1, close - 1));
    out.bracketed = true;
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return invalid(text, "no port (expected host:port or [IPv6]:port)");
    }
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  auto number = parse_port(port);
  if (!number) {
    return make_error("invalid port value " + ticked(port) + " in " + ticked(text) +
                      " (expected 0-65535)");
  }
  if (out.host.empty()) return invalid(text, "empty host");
  out.port = *number;
  return out;
}

std::optional<IpLiteral> ip_literal(const HostPort& hp) {
  IpLiteral out;
  if (!hp.bracketed) {
    // inet_pton accepts exactly the dotted quad, as the reference's parser does.
    if (inet_pton(AF_INET, hp.host.c_str(), out.bytes.data()) != 1) return std::nullopt;
    out.family = AF_INET;
    return out;
  }
  std::string host = hp.host;
  if (auto pct = host.find('%'); pct != std::string::npos) {
    // Only numeric scope ids, as the standard socket-address syntax allows.
    std::string_view sc = std::string_view(host).substr(pct + 1);
    auto [p, ec] = std::from_chars(sc.data(), sc.data() + sc.size(), out.scope_id);
    if (sc.empty() || ec != std::errc() || p != sc.data() + sc.size()) return std::nullopt;
    host.resize(pct);
  }
  if (inet_pton(AF_INET6, host.c_str(), out.bytes.data()) != 1) return std::nullopt;
  out.family = AF_INET6;
  return out;
}

}  // namespace rosenpass::base
