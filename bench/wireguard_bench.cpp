// How long PSK delivery's own work takes (WireGuard's work excluded): coding broker
// messages, a full broker request/response over a socketpair, encoding netlink messages.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/broker.h"
#include "rosenpass/wireguard/broker_psk_sink.h"
#include "rosenpass/wireguard/wg_netlink.h"

namespace rosenpass::wireguard {
namespace {

// Answers like a WireGuard interface that has every peer; does no I/O.
class InMemoryBackend final : public WireGuardBackend {
 public:
  WgStatus set_device(std::string_view, const DeviceConfig&) override { return base::Ok{}; }
  base::Result<DeviceInfo, WgError> get_device(std::string_view) override {
    DeviceInfo info;
    info.peers.emplace_back();  // one peer, every field at its default
    return info;
  }
};

void BM_BrokerRequestEncodeDecode(benchmark::State& state) {
  broker::SetPskRequest req{crypto::Secret<32>::random(crypto::system_random()), {}, "wg0"};
  for (auto _ : state) {
    auto bytes = broker::encode_request(req);
    auto back = broker::decode_request(*bytes);
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_BrokerRequestEncodeDecode);

// BrokerPskSink → privileged broker loop (own thread, in-memory WireGuard) → response.
void BM_BrokerRoundTrip(benchmark::State& state) {
  int sv[2];
  ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  InMemoryBackend backend;
  std::thread server([&] { broker::run_privileged_broker(sv[1], sv[1], backend); });
  auto sink = BrokerPskSink::from_fd(sv[0]);
  WireGuardPeerTarget target{"wg0", WgPublicKey{}, {}};
  auto psk = crypto::Secret<32>::random(crypto::system_random());
  for (auto _ : state) {
    if (!sink->install(target, psk.reveal()).ok()) {
      state.SkipWithError("install failed");
      break;
    }
    sink->drain(1000, 1);
  }
  ::shutdown(sv[0], SHUT_WR);
  server.join();
  ::close(sv[1]);
}
BENCHMARK(BM_BrokerRoundTrip)->UseRealTime();

void BM_NetlinkSetDeviceEncode(benchmark::State& state) {
  DeviceConfig cfg;
  PeerConfig p;
  p.preshared_key = WgSecretKey::random(crypto::system_random());
  p.endpoint = parse_endpoint("192.0.2.1:51820");
  p.allowed_ips = parse_allowed_ips("10.0.0.0/24,fd00::/64");
  cfg.peers.push_back(std::move(p));
  for (auto _ : state) {
    auto m = encode_set_device(0x20, 1, "wg0", cfg);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_NetlinkSetDeviceEncode);

}  // namespace
}  // namespace rosenpass::wireguard
