// The seed's walkthrough with network namespaces instead of containers: rp genkey/pubkey for
// two hosts, `rp exchange` in each namespace (kernel WireGuard if present, else wireguard-go),
// ping through the tunnel; stopping one side removes the interface it created.
#include <gtest/gtest.h>

#include <fstream>

#include "../wireguard/process_util.h"

namespace {

namespace fs = std::filesystem;
using rosenpass::test::ChildProcess;
using rosenpass::test::NetNamespace;
using rosenpass::test::run_shell;
using rosenpass::test::wait_until;

const std::string kRp = std::string(RP_BINARY_DIR) + "/tools/rp/rp";

class RpExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!rosenpass::test::is_root()) GTEST_SKIP() << "needs root for network namespaces";
    for (const char* p : {"wireguard-go", "ping", "ip"}) {
      if (!rosenpass::test::have_program(p)) GTEST_SKIP() << "needs " << p;
    }
    if (!fs::exists(std::string(RP_BINARY_DIR) + "/tools/rosenpass/rosenpass"))
      GTEST_SKIP() << "rosenpass not built";
    char t[] = "/tmp/rp-exchange-XXXXXX";
    work_ = ::mkdtemp(t);
    id_ = std::to_string(::getpid() % 100000);
    a_ = std::make_unique<NetNamespace>("X");
    b_ = std::make_unique<NetNamespace>("Y");
    ASSERT_TRUE(a_->ok() && b_->ok());
    std::string va = "rpxva" + id_, vb = "rpxvb" + id_;
    ASSERT_EQ(run_shell("ip link add " + va + " type veth peer name " + vb), 0);
    ASSERT_EQ(run_shell("ip link set " + va + " netns " + a_->name()), 0);
    ASSERT_EQ(run_shell("ip link set " + vb + " netns " + b_->name()), 0);
    ASSERT_EQ(a_->run("ip addr add 192.168.78.1/24 dev " + va), 0);
    ASSERT_EQ(b_->run("ip addr add 192.168.78.2/24 dev " + vb), 0);
    ASSERT_EQ(a_->run("ip link set " + va + " up"), 0);
    ASSERT_EQ(b_->run("ip link set " + vb + " up"), 0);
    for (const char* h : {"server", "client"}) {
      std::string sk = (work_ / (std::string(h) + ".rosenpass-secret")).string();
      std::string pk = (work_ / (std::string(h) + ".rosenpass-public")).string();
      ASSERT_EQ(run_shell(kRp + " genkey " + sk), 0);
      ASSERT_EQ(run_shell(kRp + " pubkey " + sk + " " + pk), 0);
    }
  }
  void TearDown() override {
    server_.stop();
    client_.stop();
    a_.reset();
    b_.reset();
    for (const std::string& d : {dev_a(), dev_b()}) fs::remove("/var/run/wireguard/" + d + ".sock");
    run_shell("ip link del rpxva" + id_ + " 2>/dev/null");  // only if never moved
    if (!work_.empty()) fs::remove_all(work_);
  }
  std::string dev_a() const { return "rpxa" + id_; }
  std::string dev_b() const { return "rpxb" + id_; }
  std::string path(const std::string& name) const { return (work_ / name).string(); }
  std::string logs() {
    std::string all;
    for (const char* n : {"server.log", "client.log"}) {
      std::ifstream f(work_ / n);
      all += std::string("--- ") + n + ":\n" + std::string(std::istreambuf_iterator<char>(f), {});
    }
    return all;
  }

  fs::path work_;
  std::string id_;
  std::unique_ptr<NetNamespace> a_, b_;
  ChildProcess server_, client_;
};

TEST_F(RpExchangeTest, WalkthroughPingThenCleanStop) {
  server_ = ChildProcess(a_->argv({kRp, "exchange", path("server.rosenpass-secret"), "dev", dev_a(),
                                   "ip", "10.78.0.1/24", "listen", "192.168.78.1:9999", "peer",
                                   path("client.rosenpass-public"), "allowed-ips", "10.78.0.2/32"}),
                         path("server.log"));
  client_ = ChildProcess(
      b_->argv({kRp, "exchange", path("client.rosenpass-secret"), "dev", dev_b(), "ip",
                "10.78.0.2/24", "peer", path("server.rosenpass-public"), "endpoint",
                "192.168.78.1:9999", "persistent-keepalive", "5", "allowed-ips", "10.78.0.1/32"}),
      path("client.log"));

  // The interfaces appear, WireGuard's port is Rosenpass's + 1, peers start with random PSKs.
  ASSERT_TRUE(wait_until([&] { return a_->run("ip link show " + dev_a()) == 0; })) << logs();
  ASSERT_TRUE(wait_until([&] { return b_->run("ip link show " + dev_b()) == 0; })) << logs();
  std::string out;
  if (rosenpass::test::have_program("wg")) {
    ASSERT_TRUE(wait_until([&] {
      a_->run("wg show " + dev_a() + " listen-port", &out);
      return out == "10000\n";
    })) << out;
  }

  bool pinged =
      wait_until([&] { return b_->run("ping -c1 -W1 10.78.0.1") == 0; }, std::chrono::seconds(60));
  ASSERT_TRUE(pinged) << logs();
  EXPECT_EQ(a_->run("ping -c1 -W1 10.78.0.2"), 0);
  if (rosenpass::test::have_program("wg")) {
    std::string psk_a, psk_b;
    a_->run("wg show " + dev_a() + " preshared-keys", &psk_a);
    b_->run("wg show " + dev_b() + " preshared-keys", &psk_b);
    EXPECT_EQ(psk_a.substr(psk_a.find('\t')), psk_b.substr(psk_b.find('\t')));
  }

  // Stopping one side removes its interface (and the wireguard-go it started).
  EXPECT_EQ(server_.signal_and_wait(SIGTERM, std::chrono::seconds(10)), 0) << logs();
  EXPECT_NE(a_->run("ip link show " + dev_a()), 0);
  EXPECT_FALSE(fs::exists("/var/run/wireguard/" + dev_a() + ".sock"));
  EXPECT_EQ(client_.signal_and_wait(SIGINT, std::chrono::seconds(10)), 0) << logs();
  EXPECT_NE(b_->run("ip link show " + dev_b()), 0);
}

TEST_F(RpExchangeTest, RefusesAnExistingDeviceAndBadKeys) {
  ASSERT_EQ(a_->run("ip link add " + dev_a() + " type veth peer name " + dev_a() + "p"), 0);
  std::string out;
  EXPECT_EQ(a_->run(kRp + " exchange " + path("server.rosenpass-secret") + " dev " + dev_a(), &out),
            1);
  EXPECT_EQ(out, "Error: device \"" + dev_a() + "\" already exists\n");
  EXPECT_EQ(a_->run("ip link show " + dev_a()), 0);  // not ours: left alone

  // Missing keys: nothing is created.
  EXPECT_EQ(b_->run(kRp + " exchange " + path("nothing") + " dev " + dev_b(), &out), 1);
  EXPECT_NE(out.find("Error: could not read WireGuard secret key"), std::string::npos) << out;
  EXPECT_NE(b_->run("ip link show " + dev_b()), 0);
}

TEST_F(RpExchangeTest, ExchangeConfigFile) {
  std::ofstream(path("rp.toml")) << "verbose = false\nprivate_keys_dir = \""
                                 << path("server.rosenpass-secret") << "\"\ndev = \"" << dev_a()
                                 << "\"\nlisten = \"192.168.78.1:9999\"\n\n[[peers]]\n"
                                 << "public_keys_dir = \"" << path("client.rosenpass-public")
                                 << "\"\nallowed_ips = \"10.78.0.2/32\"\n";
  server_ = ChildProcess(a_->argv({kRp, "exchange-config", path("rp.toml")}), path("server.log"));
  ASSERT_TRUE(wait_until([&] { return a_->run("ip link show " + dev_a()) == 0; })) << logs();
  std::string routes;
  ASSERT_TRUE(wait_until([&] {
    a_->run("ip route show dev " + dev_a(), &routes);
    return routes.find("10.78.0.2") != std::string::npos;
  })) << routes;
  EXPECT_TRUE(server_.running()) << logs();
  EXPECT_EQ(server_.signal_and_wait(SIGTERM, std::chrono::seconds(10)), 0) << logs();
  EXPECT_NE(a_->run("ip link show " + dev_a()), 0);
}

}  // namespace
