// The daemon's configuration: the TOML file format (application.md §3, §12.3), the example
// written by gen-config, and serialisation for `exchange -c`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rosenpass/daemon/result.h"
#include "rosenpass/daemon/socket_address.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::daemon {

// Which wire and keyed hash a peer speaks. V02/V03: current wire with BLAKE2b/SHAKE256;
// V02-pc: the released v0.2.x wire (McEliece with plaintext confirmation, BLAKE2b);
// auto: answer whichever the peer uses, initiate with the protocol core's default.
enum class ProtocolVersion { kV02, kV03, kV02pc, kAuto };
std::string_view to_string(ProtocolVersion v);
std::optional<ProtocolVersion> parse_protocol_version(std::string_view s);

enum class Verbosity { kQuiet, kVerbose };

struct Keypair {
  std::string public_key;
  std::string secret_key;
};

// The WireGuard PSK target; only present when both `device` and `peer` were given.
struct WireGuardTarget {
  std::string device;
  std::string peer;  // base64 WireGuard public key as written
  std::vector<std::string> extra_params;
  // `rehandshake = true`: re-add the WireGuard peer after each new PSK so that WireGuard's
  // next handshake uses it at once (issue #14 item 7; native delivery only).
  bool rehandshake = false;
};

struct PeerConfig {
  std::string public_key;
  std::optional<std::string> endpoint;
  std::optional<std::string> pre_shared_key;
  std::optional<std::string> key_out;
  std::optional<WireGuardTarget> wireguard;
  std::optional<ProtocolVersion> protocol_version;  // absent means kAuto
  std::optional<std::string> osk_organization;
  std::optional<std::vector<std::string>> osk_label;
  // Not part of the file: `public_key` as the start-up checks mapped it (config_safety.h), so
  // that the daemon does not open and map each of 10,000 files a second time. Empty: the
  // daemon maps the file itself.
  std::shared_ptr<const kem::mceliece460896::PublicKey> mapped_public_key;

  ProtocolVersion version() const { return protocol_version.value_or(ProtocolVersion::kAuto); }
};

struct ApiConfig {
  std::vector<std::string> listen_path;
  std::vector<int> listen_fd;
  std::vector<int> stream_fd;
  // Extension: the group that may connect to `listen_path` sockets (mode 0660 instead of 0600).
  std::optional<std::string> listen_group;
  bool empty() const { return listen_path.empty() && listen_fd.empty() && stream_fd.empty(); }
};

struct Config {
  std::optional<Keypair> keypair;
  std::vector<SocketAddress> listen;  // empty: dual-stack ephemeral port
  Verbosity verbosity = Verbosity::kQuiet;
  std::vector<PeerConfig> peers;
  ApiConfig api;
  // `user`: the unprivileged user the daemon runs as after set-up when started as root
  // (an extension; --user overrides it).
  std::optional<std::string> user;
  // Non-fatal notes for the log (v0.2.3 compatibility, deprecated keys).
  std::vector<std::string> warnings;
};

// Parses TOML text with the reference's strictness: `listen` and `peers` required, unknown
// keys rejected (v0.2.3's `exchange_command` accepted with a warning), `~` expanded.
// `home` is the home directory for `~` (nullopt: unknown, an error if `~` is used).
Result<Config> parse_config(std::string_view toml_text, std::string_view source_name,
                            const std::optional<std::string>& home);

// Reads and parses a config file; errors name the file.
Result<Config> load_config_file(const std::string& path, const std::optional<std::string>& home);

// The home directory: $HOME, else the passwd entry.
std::optional<std::string> home_directory();

// Expands a leading "~" path component. Without a home directory the error names `what` (the
// key and config file, e.g. "`key_out` of peer 0 in config file \"/etc/rp.toml\"").
Result<std::string> expand_tilde(const std::string& path, const std::optional<std::string>& home,
                                 std::string_view what = {});

// TOML text that parse_config() reads back to an equivalent Config.
std::string serialize_config(const Config& config);

// The byte-exact example file written by `gen-config`.
extern const std::string_view kGenConfigTemplate;

}  // namespace rosenpass::daemon
