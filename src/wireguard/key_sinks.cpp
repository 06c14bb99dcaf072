#include "rosenpass/wireguard/key_sinks.h"

#include "rosenpass/wireguard/broker_psk_sink.h"
#include "rosenpass/wireguard/native_psk_sink.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::wireguard {

namespace {

class WireGuardKeySink final : public base::KeySink {
 public:
  WireGuardKeySink(std::shared_ptr<PskSink> sink, PreparedTarget target, std::size_t index)
      : sink_(std::move(sink)), target_(std::move(target)), index_(index) {}

  base::SinkStatus install(const base::KeyUpdate& u) override {
    auto r = sink_->install(target_, u.key.reveal());
    if (r) return r;
    if (r.error().kind == base::SinkErrorKind::kRejected) {
      return base::SinkError::rejected("could not pass psk to wg for peer " +
                                       std::to_string(index_) + ": " + r.error().message);
    }
    return base::SinkError::failed("could not deliver the WireGuard PSK for peer " +
                                   std::to_string(index_) + ": " + r.error().message);
  }

 private:
  std::shared_ptr<PskSink> sink_;
  PreparedTarget target_;
  std::size_t index_;
};

base::Result<std::shared_ptr<PskSink>> broker_or_error(
    base::Result<std::unique_ptr<BrokerPskSink>> r,
    const std::function<void(const std::string&)>& warn) {
  if (!r) return r.error();
  (*r)->on_error(warn);
  return std::shared_ptr<PskSink>(std::move(*r));
}

}  // namespace

base::Result<std::shared_ptr<PskSink>> open_psk_sink(
    const PskSinkChoice& choice, std::function<void(const std::string&)> warn) {
  if (choice.broker_path) {
    return broker_or_error(BrokerPskSink::connect_path(*choice.broker_path), warn);
  }
  if (choice.broker_fd) {
    auto b = BrokerPskSink::from_fd(*choice.broker_fd);
    b->on_error(warn);
    return std::shared_ptr<PskSink>(std::move(b));
  }
  if (choice.broker_spawn) {
    return broker_or_error(BrokerPskSink::spawn(), warn);
  }
  return std::shared_ptr<PskSink>(std::make_shared<NativePskSink>());
}

base::Result<std::unique_ptr<base::KeySink>> make_wireguard_key_sink(
    std::shared_ptr<PskSink> sink, const std::string& device, const std::string& peer_b64,
    const std::vector<std::string>& extra_params, std::size_t peer_index, bool rehandshake) {
  auto pk = wg_public_key_from_base64(peer_b64);
  if (!pk) return base::make_error("Failed to parse peer id b64");
  if (rehandshake && !sink->can_rehandshake()) {
    return base::make_error("peer " + std::to_string(peer_index) +
                            ": `rehandshake` needs direct WireGuard delivery; a PSK broker "
                            "cannot re-add the WireGuard peer");
  }
  PreparedTarget t = prepare_target(WireGuardPeerTarget{device, *pk, extra_params});
  t.rehandshake = rehandshake;
  return std::unique_ptr<base::KeySink>(
      std::make_unique<WireGuardKeySink>(std::move(sink), std::move(t), peer_index));
}

}  // namespace rosenpass::wireguard
