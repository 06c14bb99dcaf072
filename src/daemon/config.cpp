#include "rosenpass/daemon/config.h"

#include <fcntl.h>
#include <pwd.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/hardening/toml_bounds.h"

namespace rosenpass::daemon {
namespace {

constexpr std::string_view kTopKeys =
    "`public_key`, `secret_key`, `listen`, `verbosity`, `peers`, `api`, `user`";
constexpr std::string_view kPeerKeys =
    "`public_key`, `endpoint`, `pre_shared_key`, `key_out`, `device`, `peer`, `extra_params`, "
    "`protocol_version`, `osk_organization`, `osk_label`, `rehandshake`";
// The reference's wording, typo included (application.md §1.9).
constexpr std::string_view kNoHomeMessage =
    "config file contains \"~\" but can not determine home diretory";
constexpr std::string_view kApiKeys = "`listen_path`, `listen_fd`, `stream_fd`";

std::string where(const toml::node& n) {
  const auto& s = n.source();
  if (!s.begin) return "";
  return " at line " + std::to_string(s.begin.line) + ", column " + std::to_string(s.begin.column);
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::array:
      return "sequence";
    case toml::node_type::table:
      return "map";
    default:
      return "date/time";
  }
}

Error type_error(std::string_view key, const toml::node& n, std::string_view expected) {
  return make_error("invalid type for `" + std::string(key) + "`" + where(n) + ": " + type_name(n) +
                    ", expected " + std::string(expected));
}

Result<std::string> get_string(std::string_view key, const toml::node& n) {
  if (auto s = n.as_string()) return s->get();
  return type_error(key, n, "a string");
}

Result<std::vector<std::string>> get_string_array(std::string_view key, const toml::node& n) {
  auto arr = n.as_array();
  if (!arr) return type_error(key, n, "a sequence of strings");
  std::vector<std::string> out;
  for (const auto& e : *arr) {
    auto s = get_string(key, e);
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::vector<int>> get_int_array(std::string_view key, const toml::node& n) {
  auto arr = n.as_array();
  if (!arr) return type_error(key, n, "a sequence of integers");
  std::vector<int> out;
  for (const auto& e : *arr) {
    auto i = e.as_integer();
    if (!i || i->get() < 0 || i->get() > 0x7fffffff) {
      return type_error(key, e, "a file descriptor number");
    }
    out.push_back(static_cast<int>(i->get()));
  }
  return out;
}

Error unknown_field(std::string_view key, const toml::node& n, std::string_view expected) {
  return make_error("unknown field `" + std::string(key) + "`" + where(n) + ", expected one of " +
                    std::string(expected));
}

Error missing_field(std::string_view key) {
  return make_error("missing field `" + std::string(key) + "`");
}

Result<PeerConfig> parse_peer(std::size_t index, const toml::table& t, Config& cfg,
                              const std::optional<std::string>& home,
                              std::string_view source_name) {
  PeerConfig peer;
  std::optional<std::string> device, wg_peer;
  std::vector<std::string> extra;
  bool have_public_key = false;
  std::optional<bool> rehandshake;
  for (const auto& [k, v] : t) {
    std::string_view key = k.str();
    if (key == "public_key" || key == "pre_shared_key" || key == "key_out") {
      auto s = get_string(key, v);
      if (!s) return s.error();
      auto p = expand_tilde(*s, home,
                            "`" + std::string(key) + "` of peer " + std::to_string(index) +
                                " in config file " + debug_quote(std::string(source_name)));
      if (!p) return p.error();
      if (key == "public_key") {
        peer.public_key = *p;
        have_public_key = true;
      } else if (key == "pre_shared_key") {
        peer.pre_shared_key = *p;
      } else {
        peer.key_out = *p;
      }
    } else if (key == "endpoint" || key == "device" || key == "peer" || key == "osk_organization") {
      auto s = get_string(key, v);
      if (!s) return s.error();
      if (key == "endpoint") peer.endpoint = *s;
      if (key == "device") device = *s;
      if (key == "peer") wg_peer = *s;
      if (key == "osk_organization") peer.osk_organization = *s;
    } else if (key == "extra_params" || key == "osk_label") {
      auto a = get_string_array(key, v);
      if (!a) return a.error();
      if (key == "extra_params") extra = std::move(*a);
      if (key == "osk_label") peer.osk_label = std::move(*a);
    } else if (key == "protocol_version") {
      auto s = get_string(key, v);
      if (!s) return s.error();
      auto pv = parse_protocol_version(*s);
      if (!pv) {
        return make_error("unknown variant `" + *s + "`" + where(v) +
                          " for `protocol_version`, expected one of `V02`, `V03`, `V02-pc`, "
                          "`auto`");
      }
      peer.protocol_version = *pv;
    } else if (key == "rehandshake") {
      auto b = v.as_boolean();
      if (!b) return type_error(key, v, "a boolean");
      rehandshake = b->get();
    } else if (key == "exchange_command") {
      // Written by v0.2.3's gen-config and `exchange -c`; it was never used there either.
      if (!v.is_array()) return type_error(key, v, "a sequence of strings");
      cfg.warnings.push_back("peer " + std::to_string(index) +
                             ": ignoring `exchange_command` (a v0.2.3 setting that never had "
                             "an effect; remove it)");
    } else {
      return unknown_field(key, v, kPeerKeys);
    }
  }
  if (!have_public_key) return missing_field("public_key");
  // A half device/peer group is dropped silently, as the reference does (§3.2).
  if (rehandshake && !(device && wg_peer)) {
    return make_error("peer " + std::to_string(index) +
                      ": `rehandshake` applies to a WireGuard peer; set `device` and `peer` too");
  }
  if (device && wg_peer) {
    peer.wireguard =
        WireGuardTarget{*device, *wg_peer, std::move(extra), rehandshake.value_or(false)};
  }
  return peer;
}

Result<ApiConfig> parse_api(const toml::node& n) {
  auto t = n.as_table();
  if (!t) return type_error("api", n, "a table");
  ApiConfig api;
  for (const auto& [k, v] : *t) {
    std::string_view key = k.str();
    if (key == "listen_path") {
      auto a = get_string_array(key, v);
      if (!a) return a.error();
      api.listen_path = std::move(*a);
    } else if (key == "listen_fd" || key == "stream_fd") {
      auto a = get_int_array(key, v);
      if (!a) return a.error();
      (key == "listen_fd" ? api.listen_fd : api.stream_fd) = std::move(*a);
    } else if (key == "listen_group") {
      auto g = v.value<std::string>();
      if (!g) return type_error(key, v, "a string");
      api.listen_group = std::move(*g);
    } else {
      return unknown_field(key, v, kApiKeys);
    }
  }
  return api;
}

std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  char buf[12];
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string toml_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_quote(v[i]);
  return out + "]";
}

}  // namespace

std::string_view to_string(ProtocolVersion v) {
  switch (v) {
    case ProtocolVersion::kV02:
      return "V02";
    case ProtocolVersion::kV03:
      return "V03";
    case ProtocolVersion::kV02pc:
      return "V02-pc";
    case ProtocolVersion::kAuto:
      return "auto";
  }
  return "auto";
}

std::optional<ProtocolVersion> parse_protocol_version(std::string_view s) {
  if (s == "V02") return ProtocolVersion::kV02;
  if (s == "V03") return ProtocolVersion::kV03;
  if (s == "V02-pc") return ProtocolVersion::kV02pc;
  if (s == "auto") return ProtocolVersion::kAuto;
  return std::nullopt;
}

std::optional<std::string> home_directory() {
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h);
  if (passwd* pw = getpwuid(getuid()); pw && pw->pw_dir && *pw->pw_dir) {
    return std::string(pw->pw_dir);
  }
  return std::nullopt;
}

Result<std::string> expand_tilde(const std::string& path, const std::optional<std::string>& home,
                                 std::string_view what) {
  // Only a first component that is exactly "~": "~", "~/x"; not "~user/x".
  if (path != "~" && path.rfind("~/", 0) != 0) return path;
  if (!home) {
    // The reference's wording first (scripts match it), then which key of which file.
    return make_error(std::string(kNoHomeMessage) +
                      (what.empty() ? "" : " (" + std::string(what) + ")"));
  }
  return *home + path.substr(1);
}

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name,
                            const std::optional<std::string>& home) {
  // The TOML library recurses per key component and nesting level: bound both first.
  if (auto st = hardening::check_toml_bounds(toml_text); !st) {
    return make_error("TOML input refused: " + st.error().message);
  }
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return make_error("TOML parse error at line " + std::to_string(b.line) + ", column " +
                      std::to_string(b.column) + ": " + std::string(e.description()));
  }
  Config cfg;
  std::optional<std::string> pk, sk;
  bool have_listen = false, have_peers = false;
  for (const auto& [k, v] : root) {
    std::string_view key = k.str();
    if (key == "public_key" || key == "secret_key") {
      auto s = get_string(key, v);
      if (!s) return s.error();
      auto p = expand_tilde(*s, home,
                            "`" + std::string(key) + "` in config file " +
                                debug_quote(std::string(source_name)));
      if (!p) return p.error();
      (key == "public_key" ? pk : sk) = *p;
    } else if (key == "listen") {
      auto a = get_string_array(key, v);
      if (!a) return a.error();
      for (const auto& s : *a) {
        auto addr = SocketAddress::parse_literal(s);
        if (!addr) {
          return make_error("invalid socket address syntax in `listen`" + where(v) + ": " + s);
        }
        cfg.listen.push_back(*addr);
      }
      have_listen = true;
    } else if (key == "verbosity") {
      auto s = get_string(key, v);
      if (!s) return s.error();
      if (*s == "Quiet") {
        cfg.verbosity = Verbosity::kQuiet;
      } else if (*s == "Verbose") {
        cfg.verbosity = Verbosity::kVerbose;
      } else {
        return make_error("unknown variant `" + *s + "`" + where(v) +
                          " for `verbosity`, expected `Quiet` or `Verbose`");
      }
    } else if (key == "peers") {
      auto arr = v.as_array();
      if (!arr) return type_error(key, v, "an array of tables ([[peers]])");
      for (const auto& e : *arr) {
        auto t = e.as_table();
        if (!t) return type_error(key, e, "a table");
        auto peer = parse_peer(cfg.peers.size(), *t, cfg, home, source_name);
        if (!peer) {
          // An unknown home directory is a fact about this run, not about the peer: the
          // reference reports it on its own and `validate` stops there (parity item 20).
          if (peer.error().message.rfind(kNoHomeMessage, 0) == 0) return peer.error();
          return peer.error().context("invalid peer " + std::to_string(cfg.peers.size()));
        }
        cfg.peers.push_back(std::move(*peer));
      }
      have_peers = true;
    } else if (key == "user") {
      auto s = get_string(key, v);
      if (!s) return s.error();
      cfg.user = *s;
    } else if (key == "api") {
      auto api = parse_api(v);
      if (!api) return api.error();
      cfg.api = std::move(*api);
    } else {
      return unknown_field(key, v, kTopKeys);
    }
  }
  if (!have_listen) return missing_field("listen");
  if (!have_peers) return missing_field("peers");
  if (pk && sk) {
    cfg.keypair = Keypair{*pk, *sk};
  } else if (pk || sk) {
    // The reference silently ignores half a keypair; naming the missing key is kinder.
    return make_error(std::string("`public_key` and `secret_key` must be given together; `") +
                      (pk ? "secret_key" : "public_key") + "` is missing");
  }
  return cfg;
}

Result<Config> load_config_file(const std::string& path, const std::optional<std::string>& home) {
  auto os_error = [&](int err) {
    return Error{"could not read config file " + path,
                 {std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")"}};
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error(errno);
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;  // e.g. EISDIR for a directory
      ::close(fd);
      return os_error(err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    // Past the limit the parser refuses the text anyway; stop reading (a FIFO, /dev/zero).
    if (text.size() > hardening::TomlLimits{}.max_bytes) break;
  }
  ::close(fd);
  return parse_config(text, path, home);
}

std::string serialize_config(const Config& c) {
  std::string out;
  if (c.keypair) {
    out += "public_key = " + toml_quote(c.keypair->public_key) + "\n";
    out += "secret_key = " + toml_quote(c.keypair->secret_key) + "\n";
  }
  if (c.user) out += "user = " + toml_quote(*c.user) + "\n";
  std::vector<std::string> listen;
  for (const auto& a : c.listen) listen.push_back(a.to_string());
  out += "listen = " + toml_array(listen) + "\n";
  out += std::string("verbosity = ") +
         (c.verbosity == Verbosity::kVerbose ? "\"Verbose\"" : "\"Quiet\"") + "\n";
  if (!c.api.empty()) {
    out += "\n[api]\nlisten_path = " + toml_array(c.api.listen_path) + "\nlisten_fd = [";
    for (std::size_t i = 0; i < c.api.listen_fd.size(); ++i) {
      out += (i ? ", " : "") + std::to_string(c.api.listen_fd[i]);
    }
    out += "]\nstream_fd = [";
    for (std::size_t i = 0; i < c.api.stream_fd.size(); ++i) {
      out += (i ? ", " : "") + std::to_string(c.api.stream_fd[i]);
    }
    out += "]\n";
    if (c.api.listen_group) out += "listen_group = " + toml_quote(*c.api.listen_group) + "\n";
  }
  if (c.peers.empty()) out += "peers = []\n";
  for (const auto& p : c.peers) {
    out += "\n[[peers]]\npublic_key = " + toml_quote(p.public_key) + "\n";
    if (p.endpoint) out += "endpoint = " + toml_quote(*p.endpoint) + "\n";
    if (p.pre_shared_key) out += "pre_shared_key = " + toml_quote(*p.pre_shared_key) + "\n";
    if (p.key_out) out += "key_out = " + toml_quote(*p.key_out) + "\n";
    if (p.wireguard) {
      out += "device = " + toml_quote(p.wireguard->device) + "\n";
      out += "peer = " + toml_quote(p.wireguard->peer) + "\n";
      out += "extra_params = " + toml_array(p.wireguard->extra_params) + "\n";
      if (p.wireguard->rehandshake) out += "rehandshake = true\n";
    }
    // Only what the user set: an absent value is our default ("auto"), and the reference
    // (which knows only V02 and V03, default V02) cannot load "auto" (issue #16).
    if (p.protocol_version) {
      out += "protocol_version = " + toml_quote(to_string(*p.protocol_version)) + "\n";
    }
    if (p.osk_organization) out += "osk_organization = " + toml_quote(*p.osk_organization) + "\n";
    if (p.osk_label) out += "osk_label = " + toml_array(*p.osk_label) + "\n";
  }
  return out;
}

const std::string_view kGenConfigTemplate =
    R"(public_key = "/path/to/rp-public-key"
secret_key = "/path/to/rp-secret-key"
listen = []
verbosity = "Verbose"

[[peers]]
# Commented out fields are optional
public_key = "/path/to/rp-peer-public-key"
endpoint = "127.0.0.1:9998"
# pre_shared_key = "/path/to/preshared-key"

# Choose to store the key in a file via `key_out` or pass it to WireGuard by
# defining `device` and `peer`. You may choose to do both.
key_out = "/path/to/rp-key-out.txt" # path to store the key
# device = "wg0" # WireGuard interface
#peer = "RULdRAtUw7SFfVfGD..." # WireGuard public key
# extra_params = [] # passed to WireGuard `wg set`
)";

}  // namespace rosenpass::daemon
