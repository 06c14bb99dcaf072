// What we ask of a WireGuard interface: a subset of `wg set` (device private key, listen port,
// peers with PSK, endpoint, keepalive, allowed IPs), and what we read back from `wg show`.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rosenpass/base/result.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::wireguard {

// An IPv4 or IPv6 network, e.g. 10.0.0.0/24 (address bytes in network order).
struct AllowedIp {
  int family = AF_INET;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> address{};
  uint8_t cidr = 32;
  bool operator==(const AllowedIp&) const = default;
};

// A numeric socket address (IPv4 or IPv6 with port).
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

struct PeerConfig {
  WgPublicKey public_key{};
  std::optional<WgSecretKey> preshared_key;
  std::optional<Endpoint> endpoint;
  std::optional<uint16_t> persistent_keepalive;       // seconds; 0 = off
  std::optional<std::vector<AllowedIp>> allowed_ips;  // replaces the peer's list when set
  bool update_only = false;                           // do not create the peer if it is missing
  bool remove = false;
};

struct DeviceConfig {
  std::optional<WgSecretKey> private_key;
  std::optional<uint16_t> listen_port;
  bool replace_peers = false;
  std::vector<PeerConfig> peers;
};

struct PeerInfo {
  WgPublicKey public_key{};
  bool has_preshared_key = false;
  std::vector<AllowedIp> allowed_ips;
  std::optional<Endpoint> endpoint;
  uint16_t persistent_keepalive = 0;  // seconds; 0 = off
  // The last completed WireGuard handshake (CLOCK_REALTIME); 0 = none yet.
  int64_t last_handshake_sec = 0;
  int64_t last_handshake_nsec = 0;
};

struct DeviceInfo {
  std::optional<WgPublicKey> public_key;
  uint16_t listen_port = 0;
  std::vector<PeerInfo> peers;
  bool has_peer(const WgPublicKey& key) const;
};

enum class WgErrorKind { kNoSuchDevice, kNoSuchPeer, kPermission, kInvalidInput, kIo };
struct WgError {
  WgErrorKind kind = WgErrorKind::kIo;
  std::string message;
};

using WgStatus = base::Result<base::Ok, WgError>;

// Applies the words `wg set DEV peer PK WORDS...` accepts after a peer (`extra_params`,
// application.md §4.6, parity 37), with wg's meaning and wg's reason for a refusal (as the
// wireguard-tools of Debian 12 parse them):
//   remove                        the peer is removed (its PSK is then moot)
//   endpoint HOST:PORT|[V6]:PORT   host names resolved now
//   allowed-ips LIST              comma-separated, spaces ignored, "" clears; within one peer
//                                 clause a second allowed-ips adds to the first
//   persistent-keepalive N|off    0..65535
//   preshared-key FILE            44 base64 characters and whitespace, or empty (no PSK)
//   peer KEY                      a further peer clause taking the same words; its peers are
//                                 appended to `more_peers` (refused when that is null)
// Device words (listen-port, fwmark, private-key) are invalid after a peer, as in wg.
base::Status apply_wg_set_params(const std::vector<std::string>& words, PeerConfig& peer,
                                 std::vector<PeerConfig>* more_peers = nullptr);

// "10.0.0.1/32", "fd00::/64", or an address without /cidr (a host route).
std::optional<AllowedIp> parse_allowed_ip(std::string_view text);
// Comma-separated allowed IPs, spaces around entries tolerated.
std::optional<std::vector<AllowedIp>> parse_allowed_ips(std::string_view text);
// "1.2.3.4:51820", "[fd00::1]:51820" or "host:port" (resolved, first result).
std::optional<Endpoint> parse_endpoint(std::string_view text);

std::string format_allowed_ip(const AllowedIp& ip);
std::string format_endpoint(const Endpoint& ep);  // "1.2.3.4:5" or "[::1]:5"

}  // namespace rosenpass::wireguard
