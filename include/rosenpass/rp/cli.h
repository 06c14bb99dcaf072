// `rp`'s command line (application.md §6.1): words without dashes, the reference's messages
// and exit codes, plus v0.2.3's habits where harmless (§12.5: bare `listen PORT`, host-name
// endpoints, `explain`).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace rosenpass::rp {

inline constexpr const char* kHelpUsage = "Usage: rp [verbose] genkey|pubkey|exchange [ARGS]...";
inline constexpr const char* kGeneralUsage =
    "Usage: rp [verbose] genkey|pubkey|exchange|exchange-config [ARGS]...";
inline constexpr const char* kGenkeyUsage = "Usage: rp genkey PRIVATE_KEYS_DIR";
inline constexpr const char* kPubkeyUsage = "Usage: rp pubkey PRIVATE_KEYS_DIR PUBLIC_KEYS_DIR";
inline constexpr const char* kExchangeUsage =
    "Usage: rp exchange PRIVATE_KEYS_DIR [dev <device>] [ip <ip1>/<cidr1>] [listen <ip>:<port>] "
    "[peer PUBLIC_KEYS_DIR [endpoint <ip>:<port>] [persistent-keepalive <interval>] "
    "[allowed-ips <ip1>/<cidr1>[,<ip2>/<cidr2>]...]]...";
inline constexpr const char* kExchangeConfigUsage = "Usage: rp exchange-config <CONFIG_FILE>";

struct ExchangePeer {
  std::string public_keys_dir;
  std::optional<std::string> endpoint;  // "ip:port" or "host:port" as given
  std::optional<uint32_t> persistent_keepalive;
  std::optional<std::string> allowed_ips;
  std::optional<std::string> protocol_version;  // config file only: "V02" or "V03"
  // Re-add the WireGuard peer after each new PSK so it is used at once (issue #14 item 7).
  bool rehandshake = false;
};

struct ExchangeOptions {
  std::string private_keys_dir;
  std::optional<std::string> dev;
  std::optional<std::string> ip;
  std::optional<std::string> listen;  // normalised "ip:port" ("[::]:PORT" for a bare port)
  std::vector<ExchangePeer> peers;
  bool verbose = false;
};

// kVersion: `-V`/`--version` (ours; the reference's rp has none), printing `rp <version>`
// (rosenpass/version.h, the project version); like help it wins over any command.
enum class Command { kGenkey, kPubkey, kExchange, kExchangeConfig, kHelp, kVersion };

struct CommandLine {
  Command command = Command::kHelp;
  bool verbose = false;
  bool explain = false;          // only warned about
  std::string private_keys_dir;  // genkey, pubkey
  std::string public_keys_dir;   // pubkey
  std::string config_file;       // exchange-config
  ExchangeOptions exchange;
};

// A parse error: print `note`, a newline, `usage`, to stderr; exit 1.
struct UsageError {
  std::string note;
  std::string usage;
};

std::variant<CommandLine, UsageError> parse_command_line(std::span<const std::string> args);

// Checks a literal socket address "a.b.c.d:port" / "[v6]:port"; with `allow_bare_port`, a
// bare port means "[::]:port". Returns the normalised text.
std::optional<std::string> parse_listen_address(const std::string& text, bool allow_bare_port);
// "ip:port" literal or "host:port" (v0.2.3 superset); returns it unchanged if well-formed.
std::optional<std::string> parse_endpoint_word(const std::string& text);
// The port of an "addr:port" text, and the same address with port+1 (WireGuard's port).
std::optional<uint16_t> port_of(const std::string& address);
std::optional<std::string> with_port_plus_one(const std::string& address);

}  // namespace rosenpass::rp
