// End-to-end: two network namespaces joined by a veth pair, a wireguard-go interface in each
// with random PSKs (so the tunnel is dead), then our `rosenpass` in each namespace. The test
// passes when both interfaces show the same PSK and ping crosses the tunnel. Variants: native
// delivery, spawned brokers, socket-handler brokers reached through socat.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <variant>

#include "process_util.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/hardening/sandbox.h"
#include "rosenpass/wireguard/backend.h"

namespace rosenpass::wireguard {
namespace {

namespace fs = std::filesystem;
using test::ChildProcess;
using test::NetNamespace;

const std::string kBin = RP_BINARY_DIR;
const std::string kRosenpass = kBin + "/tools/rosenpass/rosenpass";
const std::string kToolsPath = kBin + "/tools/rosenpass-wireguard-broker-socket-handler:" + kBin +
                               "/tools/rosenpass-wireguard-broker-privileged";
const std::string kPrivileged =
    kBin + "/tools/rosenpass-wireguard-broker-privileged/rosenpass-wireguard-broker-privileged";
const std::string kHandler = kBin +
                             "/tools/rosenpass-wireguard-broker-socket-handler/"
                             "rosenpass-wireguard-broker-socket-handler";

const char* const kLibFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

enum class Delivery { kNative, kSpawnedBroker, kSocatBroker };

struct Host {
  std::unique_ptr<NetNamespace> ns;
  std::string dev;
  std::string veth_ip;    // underlay
  std::string tunnel_ip;  // inside WireGuard
  WgPublicKey wg_public{};
  ChildProcess wggo, rosenpass, handler, socat;
  std::string rp_pk, rp_sk, config, log;
  std::vector<pid_t> faketime_pids;  // processes that ran under libfaketime
};

class VpnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::is_root()) GTEST_SKIP() << "needs root for network namespaces";
    for (const char* p : {"wireguard-go", "wg", "ping", "socat"}) {
      if (!test::have_program(p)) GTEST_SKIP() << "needs " << p;
    }
    ASSERT_TRUE(fs::exists(kRosenpass)) << kRosenpass;
    char t[] = "/tmp/rp-vpn-XXXXXX";
    work_ = ::mkdtemp(t);
    std::string id = std::to_string(::getpid() % 100000);
    a_.ns = std::make_unique<NetNamespace>("A");
    b_.ns = std::make_unique<NetNamespace>("B");
    ASSERT_TRUE(a_.ns->ok() && b_.ns->ok());
    a_.dev = "rpa" + id;
    b_.dev = "rpb" + id;
    a_.veth_ip = "192.168.77.1";
    b_.veth_ip = "192.168.77.2";
    a_.tunnel_ip = "10.77.0.1";
    b_.tunnel_ip = "10.77.0.2";
    // The underlay: one veth pair, one end in each namespace.
    std::string va = "rpva" + id, vb = "rpvb" + id;
    veth_ = va;
    ASSERT_EQ(test::run_shell("ip link add " + va + " type veth peer name " + vb), 0);
    ASSERT_EQ(test::run_shell("ip link set " + va + " netns " + a_.ns->name()), 0);
    ASSERT_EQ(test::run_shell("ip link set " + vb + " netns " + b_.ns->name()), 0);
    for (auto [h, v] : {std::pair{&a_, va}, std::pair{&b_, vb}}) {
      ASSERT_EQ(h->ns->run("ip addr add " + h->veth_ip + "/24 dev " + v), 0);
      ASSERT_EQ(h->ns->run("ip link set " + v + " up"), 0);
    }
    // WireGuard in each namespace: keys, port, tunnel address.
    for (Host* h : {&a_, &b_}) {
      h->wggo = test::start_wireguard_go(*h->ns, h->dev, (work_ / (h->dev + ".wg.log")).string());
      ASSERT_TRUE(uapi_socket_available(kDefaultUapiSocketDir, h->dev)) << h->dev;
      auto sk = WgSecretKey::random(crypto::system_random());
      h->wg_public = wg_public_key_of(sk);
      DeviceConfig cfg;
      cfg.private_key = std::move(sk);
      cfg.listen_port = 51820;
      ASSERT_TRUE(make_uapi_backend()->set_device(h->dev, cfg).ok());
      ASSERT_EQ(h->ns->run("ip addr add " + h->tunnel_ip + "/24 dev " + h->dev), 0);
      ASSERT_EQ(h->ns->run("ip link set " + h->dev + " up"), 0);
    }
    // Each peer with its own random PSK: the tunnel cannot work yet.
    for (auto [h, other] : {std::pair{&a_, &b_}, std::pair{&b_, &a_}}) {
      DeviceConfig cfg;
      PeerConfig p;
      p.public_key = other->wg_public;
      p.preshared_key = WgSecretKey::random(crypto::system_random());
      p.endpoint = parse_endpoint(other->veth_ip + ":51820");
      p.allowed_ips = parse_allowed_ips(other->tunnel_ip + "/32");
      p.persistent_keepalive = 1;
      cfg.peers.push_back(std::move(p));
      ASSERT_TRUE(make_uapi_backend()->set_device(h->dev, cfg).ok());
    }
    // Rosenpass keys.
    for (Host* h : {&a_, &b_}) {
      h->rp_pk = (work_ / (h->dev + ".pk")).string();
      h->rp_sk = (work_ / (h->dev + ".sk")).string();
      ASSERT_EQ(test::run_shell(kRosenpass + " gen-keys --public-key " + h->rp_pk +
                                " --secret-key " + h->rp_sk),
                0);
    }
  }

  void TearDown() override {
    for (Host* h : {&a_, &b_}) {
      h->rosenpass.stop();
      // libfaketime names its shared clock after the process and leaves it in /dev/shm.
      for (pid_t pid : h->faketime_pids) {
        std::error_code ec;
        fs::remove("/dev/shm/faketime_shm_" + std::to_string(pid), ec);
        fs::remove("/dev/shm/sem.faketime_sem_" + std::to_string(pid), ec);
      }
      h->socat.stop();
      h->handler.stop();
      h->wggo.stop();
      if (!h->dev.empty()) fs::remove("/var/run/wireguard/" + h->dev + ".sock");
      h->ns.reset();
    }
    // A veth that never made it into a namespace would be left in ours.
    if (!veth_.empty()) test::run_shell("ip link del " + veth_ + " 2>/dev/null");
    if (!work_.empty()) fs::remove_all(work_);
  }

  std::string psk(Host& h) {
    std::string out;
    h.ns->run("wg show " + h.dev + " preshared-keys", &out);
    auto tab = out.find('\t');
    return tab == std::string::npos ? "" : out.substr(tab + 1, 44);
  }
  bool ping(Host& from, const Host& to) {
    return from.ns->run("ping -c1 -W1 " + to.tunnel_ip) == 0;
  }
  std::string logs() {
    std::string all;
    for (Host* h : {&a_, &b_}) {
      std::ifstream f(h->log);
      all += "--- " + h->dev + ":\n" + std::string(std::istreambuf_iterator<char>(f), {});
    }
    return all;
  }

  // Writes the rosenpass config for `h` talking to `other`; B initiates towards A. With
  // `api_socket`, the daemon also serves the control API there.
  void write_config(Host& h, Host& other, bool initiator, const std::string& api_socket = "") {
    h.config = (work_ / (h.dev + ".toml")).string();
    std::ofstream f(h.config);
    f << "public_key = \"" << h.rp_pk << "\"\nsecret_key = \"" << h.rp_sk << "\"\n"
      << "listen = [\"" << h.veth_ip << ":9999\"]\nverbosity = \"Verbose\"\n"
      << (api_socket.empty() ? "" : "[api]\nlisten_path = [\"" + api_socket + "\"]\n")
      << "\n[[peers]]\n"
      << "public_key = \"" << other.rp_pk << "\"\n"
      << (initiator ? "endpoint = \"" + other.veth_ip + ":9999\"\n" : "") << "device = \"" << h.dev
      << "\"\npeer = \"" << wg_key_to_base64(other.wg_public) << "\"\n";
  }

  // `time_factor` > 1 runs rosenpass under libfaketime, so its clock (and with it the
  // protocol core's timers) runs that many times faster than the wall clock.
  void start_rosenpass(Host& h, Delivery delivery, int time_factor = 1,
                       const std::vector<std::string>& extra = {}) {
    h.log = (work_ / (h.dev + ".rosenpass.log")).string();
    std::vector<std::string> args{kRosenpass, "-v"};
    std::vector<std::string> env{"PATH=" + kToolsPath + ":" + getenv("PATH")};
    if (time_factor > 1) {
      // Preloaded directly (not via the faketime wrapper) so the PID we stop is rosenpass's.
      env.push_back("LD_PRELOAD=" + std::string(kLibFaketime));
      env.push_back("FAKETIME=+0 x" + std::to_string(time_factor));
      // A sanitized build insists on its runtime coming first; libfaketime only wraps libc.
      const char* asan = std::getenv("ASAN_OPTIONS");
      env.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                    "verify_asan_link_order=0");
    }
    if (delivery == Delivery::kSpawnedBroker) args.push_back("--psk-broker-spawn");
    if (delivery == Delivery::kSocatBroker) {
      // The "WireGuard host" side: handler + privileged helper in the namespace...
      std::string broker = (work_ / (h.dev + ".broker.sock")).string();
      std::string forwarded = (work_ / (h.dev + ".fwd.sock")).string();
      std::vector<std::string> handler{kHandler, "--listen-path", broker};
      if (!handler_user_.empty()) handler.insert(handler.end(), {"--user", handler_user_});
      handler.insert(handler.end(), {"--", kPrivileged});
      h.handler = ChildProcess(h.ns->argv(handler), (work_ / (h.dev + ".handler.log")).string());
      ASSERT_TRUE(test::wait_until([&] { return fs::exists(broker); }));
      // ...and the "rosenpass device" reaches it through a forwarded socket.
      h.socat =
          ChildProcess({"socat", "UNIX-LISTEN:" + forwarded + ",fork", "UNIX-CONNECT:" + broker},
                       (work_ / (h.dev + ".socat.log")).string());
      ASSERT_TRUE(test::wait_until([&] { return fs::exists(forwarded); }));
      args.insert(args.end(), {"--psk-broker-path", forwarded});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"exchange-config", h.config});
    h.rosenpass = ChildProcess(h.ns->argv(args), h.log, env);
    if (time_factor > 1) h.faketime_pids.push_back(h.rosenpass.pid());
  }

  // `extra`: more rosenpass options; `while_running` checks the running processes.
  void run_variant(Delivery delivery, const std::vector<std::string>& extra = {},
                   const std::function<void()>& while_running = {}) {
    std::string psk_a = psk(a_), psk_b = psk(b_);
    ASSERT_EQ(psk_a.size(), 44u);
    ASSERT_NE(psk_a, psk_b);
    EXPECT_FALSE(ping(b_, a_)) << "the tunnel works before any key exchange";

    write_config(a_, b_, false);
    write_config(b_, a_, true);
    start_rosenpass(a_, delivery, 1, extra);
    start_rosenpass(b_, delivery, 1, extra);

    // Both PSKs change and agree.
    bool agreed = test::wait_until(
        [&] {
          std::string x = psk(a_), y = psk(b_);
          return x == y && x != psk_a && y != psk_b;
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(agreed) << logs();
    // WireGuard retries a handshake every 5 s; allow a few rounds.
    bool pinged = test::wait_until([&] { return ping(b_, a_); }, std::chrono::seconds(30));
    EXPECT_TRUE(pinged) << logs();
    EXPECT_TRUE(a_.rosenpass.running()) << logs();
    EXPECT_TRUE(b_.rosenpass.running()) << logs();
    if (while_running) while_running();
    EXPECT_EQ(a_.rosenpass.signal_and_wait(SIGTERM), 0);
    EXPECT_EQ(b_.rosenpass.signal_and_wait(SIGTERM), 0);
  }

  fs::path work_;
  std::string veth_;
  std::string handler_user_;  // --user for the socket handler (socat variant)
  Host a_, b_;
};

// One side stops; at the stale deadline (180 s of the protocol core's time, here 18 s of wall
// clock) the other replaces its PSK with a random one. The stopped side keeps its last key.
TEST_F(VpnTest, StaleKeyIsReplacedByRandomPsk) {
  if (!fs::exists(kLibFaketime)) GTEST_SKIP() << "needs libfaketime (Debian package faketime)";
  // Faster factors starve the handshake (its retransmission timers beat the KEM work).
  constexpr int kFactor = 10;
  std::string initial_a = psk(a_), initial_b = psk(b_);
  write_config(a_, b_, false);
  write_config(b_, a_, true);
  start_rosenpass(a_, Delivery::kNative, kFactor);
  start_rosenpass(b_, Delivery::kNative, kFactor);
  ASSERT_TRUE(test::wait_until(
      [&] {
        std::string x = psk(a_), y = psk(b_);
        return x == y && x != initial_a && y != initial_b;
      },
      std::chrono::seconds(60)))
      << logs();
  EXPECT_EQ(b_.rosenpass.signal_and_wait(SIGTERM), 0);
  std::string shared = psk(b_);
  auto stopped_at = std::chrono::steady_clock::now();

  ASSERT_TRUE(test::wait_until([&] { return psk(a_) != shared; }, std::chrono::seconds(60)))
      << logs();
  auto waited = std::chrono::steady_clock::now() - stopped_at;
  std::string fresh = psk(a_);
  EXPECT_EQ(fresh.size(), 44u);
  EXPECT_NE(fresh, initial_a);
  EXPECT_EQ(psk(b_), shared);  // a stopped rosenpass leaves WireGuard as it was
  // Not replaced early: at most one rekey interval (120 s) had passed since the last exchange
  // when B stopped, so at least 60 s of protocol time remained.
  EXPECT_GE(waited, std::chrono::seconds(60) / kFactor) << logs();
  EXPECT_TRUE(a_.rosenpass.running()) << logs();
}

// Quantum-safe from the first key (#14 item 7): WireGuard runs with an interim PSK (as NetBird
// derives one) and has a session; rosenpass then installs its first key. With `rehandshake`
// the WireGuard peer is re-added, so its latest handshake is later than the key's
// installation (the key_out file is written just before the WireGuard sink runs); without
// it, the session negotiated under the interim PSK stays (the control, so the check can fail).
class RehandshakeTest : public VpnTest {
 protected:
  // Seconds since the epoch of A's or B's latest WireGuard handshake with the other.
  double last_handshake(Host& h, Host& other) {
    auto got = make_uapi_backend()->get_device(h.dev);
    if (!got.ok()) return -1;
    for (const auto& p : got->peers) {
      if (p.public_key == other.wg_public) return p.last_handshake_sec + p.last_handshake_nsec / 1e9;
    }
    return -1;
  }
  static double mtime(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return -1;
    return st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
  }

  void run(bool rehandshake) {
    // The interim PSK on both sides: the tunnel works and holds a session.
    auto interim = crypto::Secret<32>::random(crypto::system_random());
    for (auto [h, other] : {std::pair{&a_, &b_}, std::pair{&b_, &a_}}) {
      DeviceConfig cfg;
      PeerConfig p;
      p.public_key = other->wg_public;
      p.preshared_key = WgSecretKey::from(interim.reveal());
      cfg.peers.push_back(std::move(p));
      ASSERT_TRUE(make_uapi_backend()->set_device(h->dev, cfg).ok());
    }
    ASSERT_TRUE(test::wait_until([&] { return ping(b_, a_); }, std::chrono::seconds(30)));
    const double session_a = last_handshake(a_, b_), session_b = last_handshake(b_, a_);
    ASSERT_GT(session_a, 0);
    ASSERT_GT(session_b, 0);
    std::string endpoints_before;
    a_.ns->run("wg show " + a_.dev + " endpoints", &endpoints_before);

    write_config(a_, b_, false);
    write_config(b_, a_, true);
    for (Host* h : {&a_, &b_}) {
      std::ofstream f(h->config, std::ios::app);
      f << "key_out = \"" << (work_ / (h->dev + ".key")).string() << "\"\n";
      if (rehandshake) f << "rehandshake = true\n";
    }
    start_rosenpass(a_, Delivery::kNative);
    start_rosenpass(b_, Delivery::kNative);
    const std::string key_a = (work_ / (a_.dev + ".key")).string();
    const std::string key_b = (work_ / (b_.dev + ".key")).string();
    ASSERT_TRUE(test::wait_until(
        [&] {
          std::string x = psk(a_);
          return x.size() == 44 && x == psk(b_) && mtime(key_a) > 0 && mtime(key_b) > 0;
        },
        std::chrono::seconds(60)))
        << logs();
    const double installed_a = mtime(key_a), installed_b = mtime(key_b);
    if (rehandshake) {
      // Both re-added; the handshake succeeds once both hold the new PSK (WireGuard retries
      // every 5 s).
      bool fresh = test::wait_until(
          [&] {
            return last_handshake(a_, b_) > installed_a && last_handshake(b_, a_) > installed_b;
          },
          std::chrono::seconds(20));
      EXPECT_TRUE(fresh) << "handshakes " << std::fixed << last_handshake(a_, b_) << " / "
                         << last_handshake(b_, a_) << ", keys installed " << installed_a << " / "
                         << installed_b << "\n"
                         << logs();
      // The re-added peer kept its endpoint, allowed IPs (ping) and keepalive.
      std::string endpoints_after, keepalive;
      a_.ns->run("wg show " + a_.dev + " endpoints", &endpoints_after);
      a_.ns->run("wg show " + a_.dev + " persistent-keepalive", &keepalive);
      EXPECT_EQ(endpoints_after, endpoints_before);
      EXPECT_NE(keepalive.find("\t1\n"), std::string::npos) << keepalive;
      EXPECT_TRUE(test::wait_until([&] { return ping(b_, a_); }, std::chrono::seconds(30)));
    } else {
      // Keepalives flow every second, yet no new handshake: the interim session stays.
      std::this_thread::sleep_for(std::chrono::seconds(8));
      EXPECT_LT(last_handshake(a_, b_), installed_a);
      EXPECT_LT(last_handshake(b_, a_), installed_b);
    }
    EXPECT_TRUE(a_.rosenpass.running()) << logs();
    EXPECT_TRUE(b_.rosenpass.running()) << logs();
  }
};

TEST_F(RehandshakeTest, FirstKeyForcesFreshHandshake) {
  run(true);
}
TEST_F(RehandshakeTest, WithoutRehandshakeInterimSessionStays) {
  run(false);
}

// Issue 18 item 4: after set-up the daemon runs as `nobody`, with no_new_privs and a seccomp
// filter, and keeps only what PSK delivery needs; the keys still reach WireGuard.
constexpr const char* kServiceUser = "nobody";
constexpr const char* kServiceUid = "65534";
constexpr uint64_t kNetAdmin = uint64_t{1} << 12;  // CAP_NET_ADMIN

// A field of /proc/<pid>/status ("Uid", "NoNewPrivs", ...), as written there.
std::string status_field(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      auto v = line.substr(field.size() + 1);
      return v.substr(v.find_first_not_of(" \t"));
    }
  }
  return "";
}
uint64_t cap_field(pid_t pid, const std::string& field) {
  return std::stoull(status_field(pid, field), nullptr, 16);
}
std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t c; f >> c;) out.push_back(c);
  return out;
}
const char* expected_seccomp() {
  return hardening::seccomp_filter_in_this_build() ? "2" : "0";
}
void expect_confined(pid_t pid, const std::string& uid, const std::string& what) {
  EXPECT_EQ(status_field(pid, "Uid"), uid + "\t" + uid + "\t" + uid + "\t" + uid) << what;
  EXPECT_EQ(status_field(pid, "NoNewPrivs"), "1") << what;
  EXPECT_EQ(status_field(pid, "Seccomp"), expected_seccomp()) << what;
}

// Native delivery to userspace WireGuard needs its root-only control socket (and wireguard-go
// shuts down when the socket's owner or mode changes), so a service user delivers through the
// brokers here; tests/daemon checks the native role's CAP_NET_ADMIN and key_out delivery.
TEST_F(VpnTest, UnprivilegedConfinedDaemonWithSpawnedBroker) {
  run_variant(Delivery::kSpawnedBroker, {"--user", kServiceUser}, [&] {
    for (Host* h : {&a_, &b_}) {
      pid_t pid = h->rosenpass.pid();
      expect_confined(pid, kServiceUid, "rosenpass");
      EXPECT_EQ(cap_field(pid, "CapEff"), 0u);
      // rosenpass -> socket handler -> privileged helper; both brokers confine themselves.
      auto handlers = children_of(pid);
      ASSERT_EQ(handlers.size(), 1u);
      EXPECT_EQ(status_field(handlers[0], "NoNewPrivs"), "1");
      EXPECT_EQ(status_field(handlers[0], "Seccomp"), expected_seccomp());
      EXPECT_EQ(cap_field(handlers[0], "CapEff"), 0u);
      auto helpers = children_of(handlers[0]);
      ASSERT_EQ(helpers.size(), 1u);
      EXPECT_EQ(status_field(helpers[0], "NoNewPrivs"), "1");
      EXPECT_EQ(status_field(helpers[0], "Seccomp"), expected_seccomp());
      EXPECT_EQ(cap_field(helpers[0], "CapEff"), kNetAdmin);
    }
  });
}

TEST_F(VpnTest, UnprivilegedSocketHandler) {
  handler_user_ = kServiceUser;
  run_variant(Delivery::kSocatBroker, {"--user", kServiceUser}, [&] {
    for (Host* h : {&a_, &b_}) {
      expect_confined(h->rosenpass.pid(), kServiceUid, "rosenpass");
      expect_confined(h->handler.pid(), kServiceUid, "socket handler");
      EXPECT_EQ(cap_field(h->handler.pid(), "CapEff"), 0u);
      EXPECT_EQ(cap_field(h->handler.pid(), "CapPrm"), 0u);
      auto helpers = children_of(h->handler.pid());
      ASSERT_EQ(helpers.size(), 1u);
      EXPECT_EQ(status_field(helpers[0], "Seccomp"), expected_seccomp());
      EXPECT_EQ(cap_field(helpers[0], "CapEff"), kNetAdmin);
    }
  });
}

TEST_F(VpnTest, NativeDelivery) {
  run_variant(Delivery::kNative);
}
TEST_F(VpnTest, SpawnedBroker) {
  run_variant(Delivery::kSpawnedBroker);
}
TEST_F(VpnTest, SocketHandlerBrokerOverSocat) {
  run_variant(Delivery::kSocatBroker);
}

}  // namespace
}  // namespace rosenpass::wireguard

namespace rosenpass::wireguard {
namespace {

// Control API: a peer removed with `rosenpass remove-peer` no longer has the exchanged key as
// its WireGuard PSK (a random one replaces it, once): WireGuard's next handshake fails.
TEST_F(VpnTest, PeerRemovedThroughTheApiLosesItsPsk) {
  const std::string sock = (work_ / "a.api.sock").string();
  std::string initial_a = psk(a_), initial_b = psk(b_);
  write_config(a_, b_, false, sock);
  write_config(b_, a_, true);
  start_rosenpass(a_, Delivery::kNative);
  start_rosenpass(b_, Delivery::kNative);
  ASSERT_TRUE(test::wait_until(
      [&] {
        std::string x = psk(a_), y = psk(b_);
        return x == y && x != initial_a && y != initial_b;
      },
      std::chrono::seconds(60)))
      << logs();
  const std::string shared = psk(a_);
  // The peer id as `rosenpass status` shows it (unix sockets need no namespace).
  std::string status;
  ASSERT_EQ(test::run_shell(kRosenpass + " status -s " + sock, &status), 0) << status;
  auto at = status.find("\npeer: ");
  ASSERT_NE(at, std::string::npos) << status;
  const std::string id = status.substr(at + 7, 44);
  ASSERT_EQ(test::run_shell(kRosenpass + " remove-peer -s " + sock + " " + id), 0) << logs();
  ASSERT_TRUE(test::wait_until([&] { return psk(a_) != shared; }, std::chrono::seconds(10)))
      << logs();
  const std::string retired = psk(a_);
  EXPECT_EQ(retired.size(), 44u);
  EXPECT_NE(retired, psk(b_));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(psk(a_), retired);  // never touched again
  std::string after;
  test::run_shell(kRosenpass + " status -s " + sock, &after);
  EXPECT_NE(after.find("rosenpass: 0 peers"), std::string::npos) << after;
  EXPECT_TRUE(a_.rosenpass.running()) << logs();
}

}  // namespace
}  // namespace rosenpass::wireguard
