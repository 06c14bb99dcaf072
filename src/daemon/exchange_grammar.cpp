#include "rosenpass/daemon/exchange_grammar.h"

#include <cstdint>
#include <string_view>

namespace rosenpass::daemon {
namespace {

struct PeerDraft {
  PeerConfig peer;
  bool has_public_key = false, has_endpoint = false, has_psk = false, has_outfile = false;
  std::optional<WireGuardTarget> wg;
};

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Continuation bytes that follow the lead byte c.
    const std::size_t n = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 0;
    if (n == 0 || i + n >= s.size()) return false;
    uint32_t cp = n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 0x2) return false;
      cp = cp << 6 | (b & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};  // shortest form
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

Result<Config> parse_exchange_words(std::span<const std::string> words) {
  // The reference's command line takes only UTF-8 (and `exchange -c` writes TOML, which is
  // UTF-8): refuse other bytes here rather than write a file nobody can read back.
  for (const auto& w : words) {
    if (!valid_utf8(w)) return make_error("invalid UTF-8 was detected in one or more arguments");
  }
  Config cfg;
  std::optional<std::string> own_pk, own_sk;
  std::vector<PeerDraft> peers;
  bool in_extra = false;  // after `wireguard DEV PEER`, words until `peer` are wg parameters
  // A keyword at the very end takes an empty value; validation then reports the empty path.
  auto value_at = [&](std::size_t& i) {
    ++i;
    return i < words.size() ? words[i] : std::string();
  };
  auto finish = [&](PeerDraft& d) {
    if (d.wg) d.peer.wireguard = std::move(d.wg);
    cfg.peers.push_back(std::move(d.peer));
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (peers.empty()) {
      if (w == "public-key") {
        if (own_pk) return make_error("public-key was already set");
        own_pk = value_at(i);
      } else if (w == "secret-key" || w == "private-key") {
        if (w == "private-key") {
          cfg.warnings.push_back(
              "the private-key argument is deprecated, please use secret-key instead");
        }
        if (own_sk) return make_error("secret-key was already set");
        own_sk = value_at(i);
      } else if (w == "listen") {
        std::string addr = value_at(i);
        auto resolved = resolve_host_port(addr);
        if (!resolved) return resolved.error().context("could not resolve listen address " + addr);
        for (auto& a : *resolved) cfg.listen.push_back(a);
      } else if (w == "verbose") {
        cfg.verbosity = Verbosity::kVerbose;
      } else if (w == "peer") {
        if (!own_pk) return make_error("public-key file must be set");
        if (!own_sk) return make_error("secret-key file must be set");
        peers.emplace_back();
      } else {
        return make_error("unrecognised argument " + w);
      }
      continue;
    }
    PeerDraft& d = peers.back();
    if (w == "peer") {
      in_extra = false;
      peers.emplace_back();
      continue;
    }
    if (in_extra) {
      d.wg->extra_params.push_back(w);
      continue;
    }
    if (w == "public-key") {
      if (d.has_public_key) return make_error("public-key was already set");
      d.has_public_key = true;
      d.peer.public_key = value_at(i);
    } else if (w == "endpoint") {
      if (d.has_endpoint) return make_error("endpoint was already set");
      d.has_endpoint = true;
      d.peer.endpoint = value_at(i);
    } else if (w == "preshared-key") {
      if (d.has_psk) return make_error("peer psk was already set");
      d.has_psk = true;
      d.peer.pre_shared_key = value_at(i);
    } else if (w == "outfile") {
      if (d.has_outfile) return make_error("peer outfile was already set");
      d.has_outfile = true;
      d.peer.key_out = value_at(i);
    } else if (w == "wireguard") {
      WireGuardTarget t;
      t.device = value_at(i);
      t.peer = value_at(i);  // taken literally, even if it is the word `peer`
      d.wg = std::move(t);
      in_extra = true;
    } else {
      return make_error("unrecongnised argument " + w);
    }
  }
  if (own_pk && own_sk) cfg.keypair = Keypair{*own_pk, *own_sk};
  for (auto& d : peers) finish(d);
  return cfg;
}

}  // namespace rosenpass::daemon
