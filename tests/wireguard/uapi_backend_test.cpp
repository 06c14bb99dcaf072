// The UAPI backend and NativePskSink against a real wireguard-go in a namespace we create;
// `wg show` (wireguard-tools, test-only) is the independent check.
#include <gtest/gtest.h>

#include "process_util.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/key_sinks.h"
#include "rosenpass/wireguard/native_psk_sink.h"

namespace rosenpass::wireguard {
namespace {

using test::NetNamespace;

WgPublicKey random_public_key() {
  auto sk = WgSecretKey::random(crypto::system_random());
  return wg_public_key_of(sk);
}

class UapiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::is_root()) GTEST_SKIP() << "needs root for network namespaces";
    if (!test::have_program("wireguard-go") || !test::have_program("wg"))
      GTEST_SKIP() << "needs wireguard-go and wg";
    ns_ = std::make_unique<NetNamespace>("u");
    ASSERT_TRUE(ns_->ok());
    device_ = "rpu" + std::to_string(::getpid() % 100000);
    wggo_ = test::start_wireguard_go(*ns_, device_);
    ASSERT_TRUE(uapi_socket_available(kDefaultUapiSocketDir, device_));
  }
  void TearDown() override {
    wggo_.stop();
    if (!device_.empty()) std::filesystem::remove("/var/run/wireguard/" + device_ + ".sock");
    ns_.reset();
  }
  std::string wg_show(const std::string& what) {
    std::string out;
    ns_->run("wg show " + device_ + " " + what, &out);
    return out;
  }

  std::unique_ptr<NetNamespace> ns_;
  std::string device_;
  test::ChildProcess wggo_;
};

TEST_F(UapiTest, NativeSinkCreatesPeerAndSetsPsk) {
  NativePskSink sink(make_auto_backend());
  WireGuardPeerTarget target{device_,
                             random_public_key(),
                             {"endpoint", "192.0.2.7:51820", "allowed-ips", "10.9.0.0/24,fd00::/64",
                              "persistent-keepalive", "25"}};
  auto psk = crypto::Secret<32>::random(crypto::system_random());
  auto r = sink.install(target, psk.reveal());
  ASSERT_TRUE(r.ok()) << r.error().message;

  std::string peer_b64 = wg_key_to_base64(target.peer);
  EXPECT_EQ(wg_show("preshared-keys"), peer_b64 + "\t" + wg_key_to_base64(psk.reveal()) + "\n");
  EXPECT_EQ(wg_show("endpoints"), peer_b64 + "\t192.0.2.7:51820\n");
  EXPECT_EQ(wg_show("persistent-keepalive"), peer_b64 + "\t25\n");
  std::string ips = wg_show("allowed-ips");
  EXPECT_NE(ips.find("10.9.0.0/24"), std::string::npos) << ips;
  EXPECT_NE(ips.find("fd00::/64"), std::string::npos) << ips;

  // A second key replaces the first; a stale key becomes random.
  auto psk2 = crypto::Secret<32>::random(crypto::system_random());
  ASSERT_TRUE(sink.install(target, psk2.reveal()).ok());
  EXPECT_EQ(wg_show("preshared-keys"), peer_b64 + "\t" + wg_key_to_base64(psk2.reveal()) + "\n");
  ASSERT_TRUE(install_random(sink, target).ok());
  std::string after = wg_show("preshared-keys");
  EXPECT_EQ(after.find(wg_key_to_base64(psk2.reveal())), std::string::npos);
  EXPECT_EQ(after.find("(none)"), std::string::npos);
}

TEST_F(UapiTest, GetDeviceAndUpdateOnly) {
  auto backend = make_uapi_backend();
  DeviceConfig dev;
  dev.private_key = WgSecretKey::random(crypto::system_random());
  dev.listen_port = 40123;
  WgPublicKey expected_pub = wg_public_key_of(*dev.private_key);
  ASSERT_TRUE(backend->set_device(device_, dev).ok());

  WgPublicKey absent = random_public_key();
  DeviceConfig upd;
  PeerConfig p;
  p.public_key = absent;
  p.update_only = true;
  p.preshared_key = WgSecretKey::random(crypto::system_random());
  upd.peers.push_back(std::move(p));
  ASSERT_TRUE(backend->set_device(device_, upd).ok());

  auto got = backend->get_device(device_);
  ASSERT_TRUE(got.ok()) << got.error().message;
  auto& info = got.value();
  EXPECT_EQ(info.listen_port, 40123);
  ASSERT_TRUE(info.public_key);
  EXPECT_EQ(*info.public_key, expected_pub);
  EXPECT_FALSE(info.has_peer(absent));  // update_only never creates
  EXPECT_EQ(wg_show("public-key"), wg_key_to_base64(expected_pub) + "\n");
}

// The re-add that forces a fresh handshake keeps the peer's endpoint, allowed IPs and
// keepalive, and get_device reports them.
TEST_F(UapiTest, RehandshakeKeepsEndpointAllowedIpsAndKeepalive) {
  auto backend = make_uapi_backend();
  PeerConfig p;
  p.public_key = random_public_key();
  p.preshared_key = WgSecretKey::random(crypto::system_random());
  ASSERT_TRUE(apply_wg_set_params({"endpoint", "192.0.2.9:51820", "allowed-ips",
                                   "10.7.0.0/24,fd07::/64", "persistent-keepalive", "17"},
                                  p)
                  .ok());
  const WgPublicKey peer = p.public_key;
  DeviceConfig dev;
  dev.peers.push_back(std::move(p));
  ASSERT_TRUE(backend->set_device(device_, dev).ok());

  PeerConfig update;
  update.public_key = peer;
  auto psk = crypto::Secret<32>::random(crypto::system_random());
  update.preshared_key = WgSecretKey::from(psk.reveal());
  auto st = set_psk_and_rehandshake(*backend, device_, std::move(update));
  ASSERT_TRUE(st.ok()) << st.error().message;

  std::string b64 = wg_key_to_base64(peer);
  EXPECT_EQ(wg_show("preshared-keys"), b64 + "\t" + wg_key_to_base64(psk.reveal()) + "\n");
  EXPECT_EQ(wg_show("endpoints"), b64 + "\t192.0.2.9:51820\n");
  EXPECT_EQ(wg_show("persistent-keepalive"), b64 + "\t17\n");
  std::string ips = wg_show("allowed-ips");
  EXPECT_NE(ips.find("10.7.0.0/24"), std::string::npos) << ips;
  EXPECT_NE(ips.find("fd07::/64"), std::string::npos) << ips;

  auto got = backend->get_device(device_);
  ASSERT_TRUE(got.ok()) << got.error().message;
  const auto& info = got.value();
  ASSERT_EQ(info.peers.size(), 1u);
  ASSERT_TRUE(info.peers[0].endpoint);
  EXPECT_EQ(format_endpoint(*info.peers[0].endpoint), "192.0.2.9:51820");
  EXPECT_EQ(info.peers[0].persistent_keepalive, 17);
  EXPECT_EQ(info.peers[0].allowed_ips.size(), 2u);

  // A peer that is not on the device yet is created.
  PeerConfig fresh;
  fresh.public_key = random_public_key();
  fresh.preshared_key = WgSecretKey::from(psk.reveal());
  const WgPublicKey fresh_key = fresh.public_key;
  ASSERT_TRUE(set_psk_and_rehandshake(*backend, device_, std::move(fresh)).ok());
  auto again = backend->get_device(device_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->has_peer(fresh_key));
}

// `rehandshake` is refused at load time for a sink that cannot re-add peers (a PSK broker).
TEST(WireGuardKeySink, RehandshakeNeedsASinkThatCanReAdd) {
  struct Recorder : PskSink {
    bool can = true;
    bool saw_rehandshake = false;
    base::SinkStatus install(const WireGuardPeerTarget&, std::span<const uint8_t, 32>) override {
      return base::Ok{};
    }
    base::SinkStatus install(const PreparedTarget& t, std::span<const uint8_t, 32>) override {
      saw_rehandshake = t.rehandshake;
      return base::Ok{};
    }
    bool can_rehandshake() const override { return can; }
  };
  auto sink = std::make_shared<Recorder>();
  const std::string peer = wg_key_to_base64(random_public_key());
  auto ks = make_wireguard_key_sink(sink, "wg0", peer, {}, 3, true);
  ASSERT_TRUE(ks.ok());
  auto key = crypto::Secret<32>::random(crypto::system_random());
  EXPECT_TRUE((*ks)->install({base::KeyKind::kExchanged, key, "id"}).ok());
  EXPECT_TRUE(sink->saw_rehandshake);
  sink->can = false;
  auto refused = make_wireguard_key_sink(sink, "wg0", peer, {}, 3, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().chain().find("peer 3"), std::string::npos);
  EXPECT_TRUE(make_wireguard_key_sink(sink, "wg0", peer, {}, 3, false).ok());
}

TEST(UapiBackend, MissingDeviceIsNoSuchDevice) {
  auto backend = make_uapi_backend(std::filesystem::temp_directory_path());
  DeviceConfig dev;
  auto err = backend->set_device("rpnosuchdev", dev);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().kind, WgErrorKind::kNoSuchDevice);
  EXPECT_FALSE(backend->set_device("../etc", dev).ok());  // never leaves the socket directory
}

TEST(NativePskSink, BadExtraParamsAreRejectedNotFatal) {
  NativePskSink sink(make_uapi_backend(std::filesystem::temp_directory_path()));
  WireGuardPeerTarget target{"rpnosuchdev", {}, {"endpoint"}};
  std::array<uint8_t, 32> psk{};
  auto r = sink.install(target, psk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, base::SinkErrorKind::kRejected);
  EXPECT_NE(r.error().message.find("endpoint"), std::string::npos);
  target.extra_params = {"frobnicate", "1"};
  auto r2 = sink.install(target, psk);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().kind, base::SinkErrorKind::kRejected);
}

}  // namespace
}  // namespace rosenpass::wireguard
