#include "rosenpass/rp/config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <toml++/toml.h>

#include <fstream>
#include <set>

#include "rosenpass/hardening/toml_bounds.h"

namespace rosenpass::rp {
namespace {

using Error = std::string;

base::Status check_keys(const toml::table& t, const std::set<std::string>& allowed,
                        std::string_view where) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(std::string(k.str())))
      return base::make_error("unknown field `" + std::string(k.str()) + "`" + std::string(where));
  }
  return base::Ok{};
}

// Reads an optional string field; sets `err` if it has another type.
std::optional<std::string> opt_string(const toml::table& t, const char* key, Error& err) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (auto s = n->value<std::string>(); s && n->is_string()) return *s;
  err = "invalid type for `" + std::string(key) + "`, expected a string";
  return std::nullopt;
}

}  // namespace

base::Result<ExchangeOptions> parse_exchange_config(std::string_view toml_text) {
  // The TOML library recurses per key component and nesting level: bound both first.
  if (auto st = hardening::check_toml_bounds(toml_text); !st) {
    return base::make_error("cannot parse config: " + st.error().message);
  }
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return base::make_error("cannot parse config: " + std::string(e.description()));
  }
  if (auto st =
          check_keys(root, {"verbose", "private_keys_dir", "dev", "ip", "listen", "peers"}, "");
      !st)
    return st.error();
  ExchangeOptions ex;
  Error err;
  const toml::node* verbose = root.get("verbose");
  if (!verbose) return base::make_error("missing field `verbose`");
  if (!verbose->is_boolean())
    return base::make_error("invalid type for `verbose`, expected a boolean");
  ex.verbose = verbose->value<bool>().value_or(false);
  auto dir = opt_string(root, "private_keys_dir", err);
  if (!err.empty()) return base::make_error(err);
  if (!dir) return base::make_error("missing field `private_keys_dir`");
  ex.private_keys_dir = *dir;
  ex.dev = opt_string(root, "dev", err);
  ex.ip = opt_string(root, "ip", err);
  auto listen = opt_string(root, "listen", err);
  if (!err.empty()) return base::make_error(err);
  if (listen) {
    ex.listen = parse_listen_address(*listen, false);
    if (!ex.listen)
      return base::make_error("invalid socket address `" + *listen + "` for `listen`");
  }
  const toml::node* peers = root.get("peers");
  if (!peers) return base::make_error("missing field `peers`");
  if (!peers->is_array_of_tables() && !(peers->is_array() && peers->as_array()->empty()))
    return base::make_error("invalid type for `peers`, expected an array of tables");
  std::size_t index = 0;
  for (const auto& node : *peers->as_array()) {
    const toml::table& p = *node.as_table();
    std::string where = " in peers[" + std::to_string(index++) + "]";
    if (auto st = check_keys(p,
                             {"public_keys_dir", "endpoint", "persistent_keepalive", "allowed_ips",
                              "protocol_version", "rehandshake"},
                             where);
        !st)
      return st.error();
    ExchangePeer peer;
    auto pdir = opt_string(p, "public_keys_dir", err);
    auto endpoint = opt_string(p, "endpoint", err);
    peer.allowed_ips = opt_string(p, "allowed_ips", err);
    peer.protocol_version = opt_string(p, "protocol_version", err);
    if (!err.empty()) return base::make_error(err + where);
    if (!pdir) return base::make_error("missing field `public_keys_dir`" + where);
    peer.public_keys_dir = *pdir;
    if (endpoint) {
      peer.endpoint = parse_endpoint_word(*endpoint);
      if (!peer.endpoint)
        return base::make_error("invalid socket address `" + *endpoint + "` for `endpoint`" +
                                where);
    }
    if (const toml::node* ka = p.get("persistent_keepalive")) {
      auto v = ka->value<int64_t>();
      if (!ka->is_integer() || !v || *v < 0 || *v > 0xffffffffLL)
        return base::make_error("invalid value for `persistent_keepalive`" + where);
      peer.persistent_keepalive = static_cast<uint32_t>(*v);
    }
    if (const toml::node* rh = p.get("rehandshake")) {
      if (!rh->is_boolean())
        return base::make_error("invalid type for `rehandshake`, expected a boolean" + where);
      peer.rehandshake = rh->value<bool>().value_or(false);
    }
    if (peer.protocol_version && *peer.protocol_version != "V02" && *peer.protocol_version != "V03")
      return base::make_error("unknown variant `" + *peer.protocol_version +
                              "` for `protocol_version`, expected `V02` or `V03`" + where);
    ex.peers.push_back(std::move(peer));
  }
  return ex;
}

base::Result<ExchangeOptions> load_exchange_config(const std::string& path) {
  // Open first so the error can say why ("Permission denied", "No such file or directory").
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return base::make_error("cannot read config \"" + path + "\": " + std::strerror(errno));
  ::close(fd);
  std::ifstream f(path, std::ios::binary);
  if (!f) return base::make_error("cannot read config \"" + path + "\": " + std::strerror(errno));
  // Read at most one byte past the limit: the parser refuses such text anyway, and a FIFO or
  // /dev/zero must not be read forever.
  const std::size_t cap = hardening::TomlLimits{}.max_bytes + 1;
  std::string text(cap, '\0');
  f.read(text.data(), static_cast<std::streamsize>(cap));
  text.resize(static_cast<std::size_t>(f.gcount()));
  auto r = parse_exchange_config(text);
  if (!r) return base::make_error("\"" + path + "\": " + r.error().message);
  return r;
}

}  // namespace rosenpass::rp
