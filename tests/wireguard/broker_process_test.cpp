// The broker programs as real processes against a wireguard-go interface in a namespace we
// create; `wg show` is the independent check.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <fstream>

#include "process_util.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/broker_psk_sink.h"

namespace rosenpass::wireguard {
namespace {

using broker::ReturnCode;
using test::NetNamespace;

const std::string kPrivileged = std::string(RP_BINARY_DIR) +
                                "/tools/rosenpass-wireguard-broker-privileged/"
                                "rosenpass-wireguard-broker-privileged";
const std::string kHandler = std::string(RP_BINARY_DIR) +
                             "/tools/rosenpass-wireguard-broker-socket-handler/"
                             "rosenpass-wireguard-broker-socket-handler";

std::string proc_status_field(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  }
  return "";
}
std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  return s;
}

// Starts `argv` with stdin and stdout both on one end of a socketpair; returns our end.
int spawn_on_socketpair(const std::vector<std::string>& argv, pid_t& pid) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return -1;
  pid = ::fork();
  if (pid == 0) {
    ::dup2(sv[1], 0);
    ::dup2(sv[1], 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(sv[1]);
  return sv[0];
}

class BrokerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::is_root()) GTEST_SKIP() << "needs root for network namespaces";
    if (!test::have_program("wireguard-go") || !test::have_program("wg"))
      GTEST_SKIP() << "needs wireguard-go and wg";
    ns_ = std::make_unique<NetNamespace>("b");
    ASSERT_TRUE(ns_->ok());
    device_ = "rpb" + std::to_string(::getpid() % 100000);
    wggo_ = test::start_wireguard_go(*ns_, device_);
    ASSERT_TRUE(uapi_socket_available(kDefaultUapiSocketDir, device_));
    // Two existing peers with random PSKs, as in the multi-device isolation guide.
    DeviceConfig cfg;
    cfg.private_key = WgSecretKey::random(crypto::system_random());
    for (auto* pk : {&peer_a_, &peer_b_}) {
      *pk = wg_public_key_of(WgSecretKey::random(crypto::system_random()));
      PeerConfig p;
      p.public_key = *pk;
      p.preshared_key = WgSecretKey::random(crypto::system_random());
      cfg.peers.push_back(std::move(p));
    }
    ASSERT_TRUE(make_uapi_backend()->set_device(device_, cfg).ok());
  }
  void TearDown() override {
    wggo_.stop();
    if (!device_.empty()) std::filesystem::remove("/var/run/wireguard/" + device_ + ".sock");
    ns_.reset();
  }
  std::string psk_of(const WgPublicKey& peer) {
    std::string out;
    ns_->run("wg show " + device_ + " preshared-keys", &out);
    std::string key = wg_key_to_base64(peer) + "\t";
    auto pos = out.find(key);
    return pos == std::string::npos ? "" : out.substr(pos + key.size(), 44);
  }
  WireGuardPeerTarget target(const WgPublicKey& peer) { return {device_, peer, {}}; }

  std::unique_ptr<NetNamespace> ns_;
  std::string device_;
  test::ChildProcess wggo_;
  WgPublicKey peer_a_{}, peer_b_{};
};

TEST_F(BrokerProcessTest, PrivilegedHelperReturnCodesAndCapabilities) {
  pid_t pid = -1;
  int fd = spawn_on_socketpair(ns_->argv({kPrivileged}), pid);
  ASSERT_GE(fd, 0);
  auto sink = BrokerPskSink::from_fd(fd);

  auto psk = crypto::Secret<32>::random(crypto::system_random());
  ASSERT_TRUE(sink->install(target(peer_a_), psk.reveal()).ok());
  ASSERT_TRUE(sink->drain(5000, 1));
  ASSERT_EQ(sink->responses().size(), 1u);
  EXPECT_EQ(sink->responses()[0], ReturnCode::kSuccess);
  EXPECT_EQ(psk_of(peer_a_), wg_key_to_base64(psk.reveal()));

  // Only CAP_NET_ADMIN (bit 12) remains, effective and bounding.
  EXPECT_EQ(trim(proc_status_field(pid, "CapEff")), "0000000000001000");
  EXPECT_EQ(trim(proc_status_field(pid, "CapBnd")), "0000000000001000");

  std::vector<std::string> errors;
  sink->on_error([&](const std::string& e) { errors.push_back(e); });
  WgPublicKey stranger = wg_public_key_of(WgSecretKey::random(crypto::system_random()));
  ASSERT_TRUE(sink->install(target(stranger), psk.reveal()).ok());
  ASSERT_TRUE(sink->install({"rpnosuchdev", peer_a_, {}}, psk.reveal()).ok());
  ASSERT_TRUE(sink->drain(5000, 2));
  ASSERT_EQ(sink->responses().size(), 3u);
  EXPECT_EQ(sink->responses()[1], ReturnCode::kNoSuchPeer);
  EXPECT_EQ(sink->responses()[2], ReturnCode::kNoSuchInterface);
  EXPECT_EQ(psk_of(stranger), "");  // never created
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "Error from PSK broker: no such peer");

  // A correctly framed request of the wrong type is answered (the reference stalls).
  auto header = broker::encode_frame_header(324);
  std::vector<uint8_t> bad(header.begin(), header.end());
  bad.resize(8 + 324);
  bad[8] = 0x07;
  ASSERT_EQ(::send(fd, bad.data(), bad.size(), 0), static_cast<ssize_t>(bad.size()));
  ASSERT_TRUE(sink->drain(5000, 1));
  EXPECT_EQ(sink->responses().back(), ReturnCode::kInternalError);

  // An oversized length prefix ends the helper with an error.
  auto huge = broker::encode_frame_header(325);
  ASSERT_EQ(::send(fd, huge.data(), huge.size(), 0), 8);
  int status = 0;
  ASSERT_TRUE(test::wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST_F(BrokerProcessTest, SocketHandlerServesSeveralClients) {
  std::string sock = "/tmp/rp-broker-" + std::to_string(::getpid()) + ".sock";
  std::filesystem::remove(sock);
  test::ChildProcess handler(ns_->argv({kHandler, "--listen-path", sock, "--", kPrivileged}),
                             "/dev/null");
  ASSERT_TRUE(test::wait_until([&] { return std::filesystem::exists(sock); }));
  EXPECT_EQ(trim(proc_status_field(handler.pid(), "CapEff")), "0000000000000000");

  // The socket file appears at bind(), a moment before listen(): retry until it accepts.
  auto c1 = BrokerPskSink::connect_path(sock);
  ASSERT_TRUE(test::wait_until([&] {
    if (c1.ok()) return true;
    c1 = BrokerPskSink::connect_path(sock);
    return false;
  }));
  auto c2 = BrokerPskSink::connect_path(sock);
  ASSERT_TRUE(c1.ok());
  ASSERT_TRUE(c2.ok());
  auto& s1 = **c1;
  auto& s2 = **c2;

  auto k1 = crypto::Secret<32>::random(crypto::system_random());
  auto k2 = crypto::Secret<32>::random(crypto::system_random());
  WgPublicKey stranger = wg_public_key_of(WgSecretKey::random(crypto::system_random()));
  ASSERT_TRUE(s1.install(target(peer_a_), k1.reveal()).ok());
  ASSERT_TRUE(s2.install(target(stranger), k2.reveal()).ok());
  ASSERT_TRUE(s2.install(target(peer_b_), k2.reveal()).ok());
  ASSERT_TRUE(s1.drain(5000, 1));
  ASSERT_TRUE(s2.drain(5000, 2));
  EXPECT_EQ(s1.responses(), std::vector<ReturnCode>{ReturnCode::kSuccess});
  EXPECT_EQ(s2.responses(),
            (std::vector<ReturnCode>{ReturnCode::kNoSuchPeer, ReturnCode::kSuccess}));
  EXPECT_EQ(psk_of(peer_a_), wg_key_to_base64(k1.reveal()));
  EXPECT_EQ(psk_of(peer_b_), wg_key_to_base64(k2.reveal()));

  // A client with an oversized frame is dropped; the handler keeps serving others.
  auto c3 = BrokerPskSink::connect_path(sock);
  int fd3 = (*c3)->fd();
  auto huge = broker::encode_frame_header(1000);
  ASSERT_EQ(::send(fd3, huge.data(), huge.size(), 0), 8);
  char b;
  EXPECT_EQ(::recv(fd3, &b, 1, 0), 0);  // closed by the handler
  ASSERT_TRUE(s1.install(target(peer_b_), k1.reveal()).ok());
  ASSERT_TRUE(s1.drain(5000, 1));
  EXPECT_EQ(s1.responses().back(), ReturnCode::kSuccess);

  EXPECT_EQ(handler.signal_and_wait(SIGTERM), 0);
  EXPECT_FALSE(std::filesystem::exists(sock));
}

TEST_F(BrokerProcessTest, SpawnedBrokerOverSocketpair) {
  auto spawned = BrokerPskSink::spawn(ns_->argv({kHandler, "--stream-fd", "3", "--", kPrivileged}));
  ASSERT_TRUE(spawned.ok());
  auto sink = std::move(*spawned);
  auto k = crypto::Secret<32>::random(crypto::system_random());
  ASSERT_TRUE(sink->install(target(peer_b_), k.reveal()).ok());
  ASSERT_TRUE(sink->drain(5000, 1));
  EXPECT_EQ(sink->responses().back(), ReturnCode::kSuccess);
  EXPECT_EQ(psk_of(peer_b_), wg_key_to_base64(k.reveal()));
  EXPECT_FALSE(sink->child_exit_status());

  // Interface names over 255 bytes are refused on our side.
  auto r = sink->install({std::string(256, 'x'), peer_b_, {}}, k.reveal());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, base::SinkErrorKind::kRejected);
  EXPECT_EQ(r.error().message, "Interface name size is out of bounds.");

  pid_t child = sink->child_pid();
  sink.reset();  // closing our end ends the handler and its helper
  EXPECT_NE(::kill(child, 0), 0);
}

TEST(BrokerPrograms, BadCommandLines) {
  if (!std::filesystem::exists(kHandler)) GTEST_SKIP() << "programs not built";
  std::string out;
  EXPECT_EQ(test::run_shell(kHandler, &out), 2);
  EXPECT_EQ(test::run_shell(kHandler + " --listen-fd x", &out), 2);
  EXPECT_EQ(test::run_shell(kHandler + " --listen-path /a --stream-fd 3", &out), 2);
  EXPECT_EQ(test::run_shell(kHandler + " --help", &out), 0);
  EXPECT_NE(out.find("--listen-path"), std::string::npos);
  EXPECT_EQ(test::run_shell(kPrivileged + " extra", &out), 2);
  // EOF at a frame boundary is a clean end; EOF mid-frame is an error.
  EXPECT_EQ(test::run_shell(kPrivileged + " </dev/null", &out), 0);
  EXPECT_EQ(test::run_shell("printf '\\104\\001\\0\\0\\0\\0\\0\\0abc' | " + kPrivileged, &out), 1);
  // A handler whose helper cannot be started fails instead of hanging.
  std::string sock = "/tmp/rp-broker-bad-" + std::to_string(::getpid()) + ".sock";
  std::filesystem::remove(sock);
  EXPECT_EQ(
      test::run_shell(
          "timeout 10 " + kHandler + " --listen-path " + sock + " -- /nonexistent/helper", &out),
      1);
  std::filesystem::remove(sock);
}

}  // namespace
}  // namespace rosenpass::wireguard

namespace rosenpass::wireguard {
namespace {

// --listen-fd: an inherited listening socket. No WireGuard needed: the interface does not
// exist, which the helper reports as such.
TEST(BrokerPrograms, SocketHandlerOnInheritedListeningSocket) {
  std::string path = "/tmp/rp-broker-fd-" + std::to_string(::getpid()) + ".sock";
  std::filesystem::remove(path);
  int lfd = ::socket(AF_UNIX, SOCK_STREAM, 0);  // inherited: no close-on-exec
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(lfd, 4), 0);
  test::ChildProcess handler({kHandler, "--listen-fd", std::to_string(lfd), "--", kPrivileged},
                             "/dev/null");
  ::close(lfd);

  auto connected = BrokerPskSink::connect_path(path);
  ASSERT_TRUE(connected.ok());
  auto& sink = **connected;
  std::array<uint8_t, 32> psk{};
  ASSERT_TRUE(sink.install({"rpnosuchdev0", WgPublicKey{}, {}}, psk).ok());
  ASSERT_TRUE(sink.drain(5000, 1));
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(sink.responses()[0], ReturnCode::kNoSuchInterface);
  EXPECT_EQ(handler.signal_and_wait(SIGTERM), 0);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rosenpass::wireguard
