// Config-file peer -> PeerSpec: keys, PSK, endpoint resolution and sinks, once per peer.
#include "rosenpass/daemon/peer_loader.h"

#include <array>

#include "rosenpass/crypto/base64.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/daemon/key_output.h"
#include "rosenpass/daemon/logging.h"

namespace rosenpass::daemon {

namespace proto = rosenpass::protocol;

namespace {

proto::WireProfile to_profile(ProtocolVersion v) {
  switch (v) {
    case ProtocolVersion::kV02:
      return proto::WireProfile::kV02;
    case ProtocolVersion::kV03:
      return proto::WireProfile::kV03;
    case ProtocolVersion::kV02pc:
      return proto::WireProfile::kV02pc;
    case ProtocolVersion::kAuto:
      return proto::WireProfile::kAuto;
  }
  return proto::WireProfile::kAuto;
}

// key_out: the file, then the stdout line (a failed file write prints no line).
class KeyOutSink final : public base::KeySink {
 public:
  KeyOutSink(std::string path, const KeyOutFile::CreateCheck& can_create_in)
      : path_(path),
        file_(KeyOutFile::prepare(path, [](const std::string& m) { log_warn(m); },
                                  can_create_in)) {
    if (std::size_t n = file_.removed_temp_files()) {
      log_info("removed " + std::to_string(n) + " temporary file(s) of an interrupted write of " +
               debug_quote(path_));
    }
  }
  base::SinkStatus install(const base::KeyUpdate& u) override {
    if (auto st = file_.write(u.key); !st) {
      return base::SinkError::failed(st.error().chain());
    }
    const auto kind =
        u.kind == base::KeyKind::kExchanged ? KeyEventKind::kExchanged : KeyEventKind::kStale;
    if (auto st = write_stdout_line(output_key_line(u.peer_id, path_, kind)); !st) {
      return base::SinkError::failed(st.error().chain());
    }
    return base::Ok{};
  }

 private:
  std::string path_;
  KeyOutFile file_;  // prepared once (symlinks, stale temporary files, atomic or in place)
};

}  // namespace

std::unique_ptr<base::KeySink> make_key_out_sink(
    std::string key_out_path, const std::function<bool(const std::string&)>& can_create_in) {
  return std::make_unique<KeyOutSink>(std::move(key_out_path), can_create_in);
}

Result<PeerSpec> load_peer(const PeerConfig& pc, std::size_t index,
                           const SinkFactories& factories) {
  const std::string n = "peer " + std::to_string(index);
  PeerSpec spec;
  spec.name = n;
  if (pc.wireguard) {
    std::array<uint8_t, 32> wg{};
    if (!crypto::base64_decode_into(pc.wireguard->peer, wg)) {
      return Error{"Failed to parse peer id b64",
                   {n + ": `peer` must be the 44-character base64 WireGuard public key, got " +
                    debug_quote(pc.wireguard->peer)}};
    }
    if (!factories.wireguard) {
      return make_error(n +
                        " sets `device`/`peer`, but this build cannot deliver WireGuard "
                        "pre-shared keys");
    }
  }
  if (pc.pre_shared_key) {
    auto psk = load_psk(*pc.pre_shared_key);
    if (!psk) return psk.error();
    if (psk->had_extra_whitespace) {
      log_warn("pre-shared key file " + debug_quote(*pc.pre_shared_key) +
               " has extra whitespace after the key (accepted as rosenpass v0.2.3 did)");
    }
    spec.psk = std::move(psk->key);
  }
  if (pc.mapped_public_key) {
    spec.public_key = pc.mapped_public_key;  // mapped by the start-up checks
  } else {
    auto pk = load_public_key(pc.public_key);
    if (!pk) return pk.error().context(n + ": could not load public key");
    spec.public_key = *pk;
  }
  if (pc.endpoint) {
    auto addrs = resolve_host_port(*pc.endpoint);
    if (!addrs) {
      return addrs.error().context(n + " endpoint " + *pc.endpoint +
                                   " can not be parsed to a socket address");
    }
    spec.endpoints = std::move(*addrs);
  }
  spec.profile = to_profile(pc.version());
  if (pc.osk_organization && pc.osk_label) {
    spec.osk = proto::OskDomain{*pc.osk_organization, *pc.osk_label};
  }
  if (pc.key_out) spec.sinks.push_back(make_key_out_sink(*pc.key_out, factories.key_out_writer_can_create_in));
  spec.has_key_out = pc.key_out.has_value();
  spec.has_wireguard = pc.wireguard.has_value();
  if (pc.wireguard) {
    auto sink = factories.wireguard(*pc.wireguard, index);
    if (!sink) return sink.error().context(n + ": WireGuard target");
    spec.sinks.push_back(std::move(*sink));
  }
  return spec;
}

}  // namespace rosenpass::daemon
