#include "wireguard_delivery.h"

#include <memory>

#include "rosenpass/daemon/logging.h"
#include "rosenpass/wireguard/broker_psk_sink.h"
#include "rosenpass/wireguard/native_psk_sink.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::tools {

daemon::Result<daemon::PskDelivery> make_wireguard_delivery(const daemon::GlobalOptions& g) {
  std::shared_ptr<wireguard::PskSink> sink;
  auto on_broker_error = [](const std::string& m) { daemon::log_warn(m); };
  if (g.psk_broker_path) {
    auto r = wireguard::BrokerPskSink::connect_path(*g.psk_broker_path);
    if (auto* e = std::get_if<std::string>(&r)) {
      return daemon::make_error("could not connect to PSK broker at " + *g.psk_broker_path + ": " +
                                *e);
    }
    auto b = std::move(std::get<0>(r));
    b->on_error(on_broker_error);
    sink = std::move(b);
  } else if (g.psk_broker_fd) {
    auto b = wireguard::BrokerPskSink::from_fd(*g.psk_broker_fd);
    b->on_error(on_broker_error);
    sink = std::move(b);
  } else if (g.psk_broker_spawn) {
    auto r = wireguard::BrokerPskSink::spawn();
    if (auto* e = std::get_if<std::string>(&r)) {
      return daemon::make_error("could not spawn PSK broker: " + *e);
    }
    auto b = std::move(std::get<0>(r));
    b->on_error(on_broker_error);
    sink = std::move(b);
  } else {
    sink = std::make_shared<wireguard::NativePskSink>();
  }
  return daemon::PskDelivery([sink](std::size_t peer_index, const daemon::WireGuardTarget& t,
                                    const crypto::Secret<32>& key) -> daemon::Status {
    auto pk = wireguard::wg_public_key_from_base64(t.peer);
    if (!pk) return daemon::make_error("Failed to parse peer id b64");
    wireguard::WireGuardPeerTarget target{t.device, *pk, t.extra_params};
    auto r = sink->install(target, key.reveal());
    if (r.status == wireguard::PskDeliveryStatus::kRejected) {
      daemon::log_error("could not pass psk to wg for peer " + std::to_string(peer_index) + ": " +
                        r.message);
      return daemon::ok_status();
    }
    if (r.status == wireguard::PskDeliveryStatus::kFailed) {
      return daemon::make_error("could not deliver the WireGuard PSK for peer " +
                                std::to_string(peer_index) + ": " + r.message);
    }
    return daemon::ok_status();
  });
}

}  // namespace rosenpass::tools
