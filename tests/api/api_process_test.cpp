// The control API with real `rosenpass` processes on 127.0.0.1: the reference's two API tests
// (application.md §5.6) for V02 and V03, peers added, listed and removed at run time with the
// command-line client, and bad input on one connection while another keeps working. Every
// test is bounded in time and stops what it starts by PID.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstring>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "generated_keys.h"
#include "process_util.h"
#include "rosenpass/api/client.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/hardening/sandbox.h"

namespace rosenpass::test {
namespace {

using namespace std::chrono_literals;

bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

api::PingRequest hello() {
  api::PingRequest q;
  std::memcpy(q.echo.data(), "Hello World", 11);
  return q;
}

// Connects to the daemon's API socket once it exists.
std::optional<api::Client> connect_when_ready(const std::string& path) {
  std::optional<api::Client> c;
  wait_for(
      [&] {
        auto r = api::Client::connect(path);
        if (r) c.emplace(std::move(*r));
        return c.has_value();
      },
      10s);
  return c;
}

bool ping_ok(api::Client& c) {
  auto r = c.call(hello(), {}, 5s);
  auto* ping = r ? std::get_if<api::PingResponse>(&*r) : nullptr;
  return ping && ping->echo == hello().echo;
}

// The daemon closed this connection: EOF, or ECONNRESET/EPIPE.
bool closed_by_daemon(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 5000) <= 0) return false;
  char b[64];
  ssize_t n = ::recv(fd, b, sizeof b, 0);
  return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE));
}

// Keypairs "a" and "b" generated once for the suite.
class ApiProcess : public GeneratedKeys {
 protected:
  std::unique_ptr<Process> start(const std::string& name, const std::string& toml,
                                 std::vector<std::string> extra_args = {}) {
    const std::string cfg = dir_ / (name + ".toml");
    write_text(cfg, toml);
    std::vector<std::string> args = {"-v"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    args.push_back("exchange-config");
    args.push_back(cfg);
    return std::make_unique<Process>(args, dir_ / (name + ".out"), dir_ / (name + ".err"));
  }

  // Runs the `rosenpass` client to completion.
  Finished client(const std::vector<std::string>& args) {
    return run_rosenpass_bin(dir_, args, 30s);
  }

  std::string keypair(const std::string& self) {
    return "public_key = \"" + key(self + ".pk") + "\"\nsecret_key = \"" + key(self + ".sk") +
           "\"\n";
  }
};

// §5.6 test 1: two daemons with api.listen_path; after the first exchange, Ping on both.
TEST_F(ApiProcess, ReferencePingAfterExchangeV02AndV03) {
  for (std::string v : {"V02", "V03"}) {
    int pa = free_udp_port(), pb = free_udp_port();
    const std::string la = "127.0.0.1:" + std::to_string(pa),
                      lb = "127.0.0.1:" + std::to_string(pb);
    auto config = [&](const std::string& self, const std::string& other, const std::string& listen,
                      const std::string& endpoint) {
      return keypair(self) + "listen = [\"" + listen + "\"]\nverbosity = \"Verbose\"\n\n[api]\n" +
             "listen_path = [\"" + dir_ / (self + v + ".sock") +
             "\"]\nlisten_fd = []\nstream_fd = []\n" + "\n[[peers]]\npublic_key = \"" +
             key(other + ".pk") + "\"\n" +
             (endpoint.empty() ? "" : "endpoint = \"" + endpoint + "\"\n") + "key_out = \"" +
             dir_ / (self + v + ".osk") + "\"\nprotocol_version = \"" + v + "\"\n";
    };
    auto a = start("a" + v, config("a", "b", la, lb));
    auto b = start("b" + v, config("b", "a", lb, ""));
    ASSERT_TRUE(wait_for(
        [&] {
          std::string ka = read_text(dir_ / ("a" + v + ".osk")),
                      kb = read_text(dir_ / ("b" + v + ".osk"));
          return count(a->out(), " exchanged\n") >= 1 && count(b->out(), " exchanged\n") >= 1 &&
                 ka.size() == 44 && ka == kb;
        },
        30s))
        << v << "\n"
        << a->err() << "\n---\n"
        << b->err();
    for (const char* self : {"a", "b"}) {
      auto c = connect_when_ready(dir_ / (self + v + ".sock"));
      ASSERT_TRUE(c) << self;
      EXPECT_TRUE(ping_ok(*c)) << v << " " << self;
    }
    EXPECT_EQ(a->stop(), 0);
    EXPECT_EQ(b->stop(), 0);
    EXPECT_FALSE(exists(dir_ / ("a" + v + ".sock")));  // removed at exit
  }
}

// A fake PSK broker on our end of a socketpair (§4.7.2): reads SetPsk requests, answers
// success, returns (psk, interface, WireGuard peer key) of each.
struct SetPsk {
  std::array<uint8_t, 32> psk, wg_peer;
  std::string interface;
};
std::optional<SetPsk> broker_read(int fd, std::chrono::milliseconds timeout) {
  std::array<uint8_t, 8 + 324> req{};
  std::size_t have = 0;
  auto end = std::chrono::steady_clock::now() + timeout;
  while (have < req.size()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::recv(fd, req.data() + have, req.size() - have, 0);
    if (n <= 0) return std::nullopt;
    have += static_cast<std::size_t>(n);
  }
  if (req[0] != 0x44 || req[1] != 0x01 || req[8] != 0x01) return std::nullopt;  // len 324, SetPsk
  SetPsk s;
  std::copy_n(req.begin() + 8 + 4, 32, s.psk.begin());
  std::copy_n(req.begin() + 8 + 36, 32, s.wg_peer.begin());
  s.interface.assign(reinterpret_cast<const char*>(req.data() + 8 + 69), req[8 + 68]);
  const uint8_t ok[8 + 5] = {5, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0x00};
  if (::send(fd, ok, sizeof ok, MSG_NOSIGNAL) != sizeof ok) return std::nullopt;
  return s;
}

uint64_t status_of(const api::ClientResult& r) {
  if (!r) return ~uint64_t{0};
  auto* s = std::get_if<api::StatusResponse>(&*r);
  return s ? s->status : ~uint64_t{0};
}

// §5.6 test 2 ("API setup"), for V02 and V03, and then the removed peer's PSK is replaced.
TEST_F(ApiProcess, ReferenceApiSetupV02AndV03) {
  const std::string wg_peer = "RULdRAtUw7SFfVfGD4YuB6jT7n1C1gsBa8gqQc7ZF0U=";  // fixed, valid
  for (std::string v : {"V02", "V03"}) {
    // A pre-bound UDP socket for A, handed over with AddListenSocket.
    int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(udp, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    socklen_t len = sizeof sa;
    ::getsockname(udp, reinterpret_cast<sockaddr*>(&sa), &len);
    const std::string a_addr = "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));
    // The --api-stream-fd connection: inherited (no CLOEXEC) under its own number.
    int stream[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, stream), 0);
    ::fcntl(stream[0], F_SETFD, FD_CLOEXEC);
    const std::string sock = dir_ / ("a" + v + ".sock");
    auto a = start("a" + v,
                   "listen = []\nverbosity = \"Verbose\"\n\n[api]\nlisten_path = [\"" + sock +
                       "\"]\nlisten_fd = []\nstream_fd = []\n\n[[peers]]\npublic_key = \"" +
                       key("b.pk") + "\"\ndevice = \"mock_device\"\npeer = \"" + wg_peer +
                       "\"\nprotocol_version = \"" + v + "\"\n",
                   {"--api-stream-fd", std::to_string(stream[1])});
    ::close(stream[1]);
    auto c = connect_when_ready(sock);
    ASSERT_TRUE(c) << a->err();
    // (1) AddListenSocket with the pre-bound socket.
    int fds1[1] = {udp};
    EXPECT_EQ(status_of(c->call(api::AddListenSocketRequest{}, fds1)), api::status::kOk) << v;
    ::close(udp);
    // (2) Garbage on the stream-fd connection closes it; the socket connection still answers.
    const std::vector<uint8_t> garbage(16, 0xFF);
    ASSERT_EQ(::send(stream[0], garbage.data(), garbage.size(), MSG_NOSIGNAL), 16);
    EXPECT_TRUE(closed_by_daemon(stream[0])) << v;
    ::close(stream[0]);
    EXPECT_TRUE(ping_ok(*c));
    // Without a keypair: no runtime yet, peers cannot be added.
    auto before = c->call(api::ListPeersRequest{});
    ASSERT_TRUE(before.ok());
    EXPECT_FALSE(std::get<api::ListPeersResponse>(*before).has_keypair);
    {
      int pkfd = ::open(key("b.pk").c_str(), O_RDONLY | O_CLOEXEC);
      int fds[1] = {pkfd};
      auto r = c->call(api::AddPeerRequest{}, fds);
      ::close(pkfd);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(std::get<api::AddPeerResponse>(*r).status, api::status::kNoKeypair);
    }
    // (3) SupplyKeypair with A's key files opened read-only.
    int sk = ::open(key("a.sk").c_str(), O_RDONLY | O_CLOEXEC),
        pk = ::open(key("a.pk").c_str(), O_RDONLY | O_CLOEXEC);
    int fds3[2] = {sk, pk};
    EXPECT_EQ(status_of(c->call(api::SupplyKeypairRequest{}, fds3)), api::status::kOk) << v;
    int fds3b[2] = {sk, pk};
    EXPECT_EQ(status_of(c->call(api::SupplyKeypairRequest{}, fds3b)),
              api::status::kKeypairAlreadySupplied);
    ::close(sk);
    ::close(pk);
    auto after = c->call(api::ListPeersRequest{});
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(std::get<api::ListPeersResponse>(*after).has_keypair);
    EXPECT_EQ(std::get<api::ListPeersResponse>(*after).total, 1u);
    // (4) AddPskBroker with one end of a socketpair; we are the broker.
    int broker[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, broker), 0);
    int fds4[1] = {broker[1]};
    EXPECT_EQ(status_of(c->call(api::AddPskBrokerRequest{}, fds4)), api::status::kOk) << v;
    ::close(broker[1]);
    const std::string b_osk = dir_ / ("b" + v + ".osk");
    // B starts after (4), so its first key cannot reach A between (3) and (4): the reference
    // test starts it first and races; the requests and their order are the same.
    auto b =
        start("b" + v, keypair("b") + "listen = [\"127.0.0.1:" + std::to_string(free_udp_port()) +
                           "\"]\nverbosity = \"Verbose\"\n\n[[peers]]\npublic_key = \"" +
                           key("a.pk") + "\"\nendpoint = \"" + a_addr + "\"\nkey_out = \"" + b_osk +
                           "\"\nprotocol_version = \"" + v + "\"\n");
    auto set = broker_read(broker[0], 30s);
    ASSERT_TRUE(set) << v << "\n" << a->err() << "\n---\n" << b->err();
    EXPECT_EQ(set->interface, "mock_device");
    EXPECT_EQ(crypto::base64_encode(set->wg_peer), wg_peer);
    ASSERT_TRUE(wait_for([&] { return read_text(b_osk).size() == 44; }, 10s));
    EXPECT_EQ(crypto::base64_encode(set->psk), read_text(b_osk)) << v;
    // Removing the peer replaces its WireGuard PSK with a random one, once.
    const std::string id =
        peer_id("b.pk", v == "V03" ? crypto::HashChoice::kShake256 : crypto::HashChoice::kBlake2b);
    api::RemovePeerRequest rm;
    ASSERT_TRUE(crypto::base64_decode_into(id, rm.peer));
    EXPECT_EQ(status_of(c->call(rm)), api::status::kOk) << v;
    auto retired = broker_read(broker[0], 10s);
    ASSERT_TRUE(retired) << a->err();
    EXPECT_EQ(crypto::base64_encode(retired->wg_peer), wg_peer);
    EXPECT_NE(retired->psk, set->psk);
    EXPECT_FALSE(broker_read(broker[0], 1s));  // nothing more for that peer
    EXPECT_EQ(status_of(c->call(rm)), api::status::kNoSuchPeer);
    ::close(broker[0]);
    EXPECT_EQ(a->stop(), 0) << a->err();
    EXPECT_EQ(b->stop(), 0);
  }
}

// A peer added with `rosenpass add-peer` after start keys; `status` reports it as it happened;
// after `remove-peer` its key file no longer changes; 0xFF garbage closes only its connection.
TEST_F(ApiProcess, PeerAddedListedAndRemovedAtRunTime) {
  int pa = free_udp_port(), pb = free_udp_port();
  const std::string la = "127.0.0.1:" + std::to_string(pa), lb = "127.0.0.1:" + std::to_string(pb);
  const std::string sock = dir_ / "a.sock", a_osk = dir_ / "a.osk", b_osk = dir_ / "b.osk";
  const std::string b_sock = dir_ / "b.sock";
  auto a = start("a", keypair("a") + "listen = [\"" + la +
                          "\"]\nverbosity = \"Verbose\"\npeers = []\n\n[api]\nlisten_path = [\"" +
                          sock + "\"]\n");
  const std::string b_toml = keypair("b") + "listen = [\"" + lb +
                             "\"]\nverbosity = \"Verbose\"\n\n[[peers]]\npublic_key = \"" +
                             key("a.pk") + "\"\nendpoint = \"" + la + "\"\nkey_out = \"" + b_osk +
                             "\"\nprotocol_version = \"V03\"\n\n[api]\nlisten_path = [\"" + b_sock +
                             "\"]\n";
  auto b = start("b", b_toml);  // initiates to A, which does not know it until add-peer
  ASSERT_TRUE(connect_when_ready(sock)) << a->err();
  EXPECT_EQ(mode_of(sock), 0600u);
  auto st0 = client({"status", "-s", sock, "--json"});
  ASSERT_EQ(st0.code, 0) << st0.err;
  EXPECT_EQ(nlohmann::json::parse(st0.out)["peer_count"], 0);

  auto add = client({"add-peer", "-s", sock, "--public-key", key("b.pk"), "--endpoint", lb,
                     "--key-out", a_osk, "--protocol-version", "V03"});
  ASSERT_EQ(add.code, 0) << add.err << a->err();
  const std::string id = peer_id("b.pk", crypto::HashChoice::kShake256);
  EXPECT_EQ(add.out, id + "\n");
  ASSERT_TRUE(wait_for(
      [&] {
        std::string ka = read_text(a_osk);
        return count(a->out(), " exchanged\n") >= 1 && ka.size() == 44 && ka == read_text(b_osk);
      },
      30s))
      << a->err() << "\n---\n"
      << b->err();
  EXPECT_NE(a->out().find("output-key peer " + id + " key-file \"" + a_osk + "\" exchanged"),
            std::string::npos);
  // Adding the same public key again is refused.
  auto again = client({"add-peer", "-s", sock, "--public-key", key("b.pk")});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already has a peer"), std::string::npos) << again.err;

  // status matches what happened: one peer, its counts, profile, endpoint, key age.
  struct stat st {};
  ASSERT_EQ(::stat(a_osk.c_str(), &st), 0);
  auto js = client({"status", "-s", sock, "--json"});
  ASSERT_EQ(js.code, 0) << js.err;
  const auto now = std::chrono::system_clock::now();
  auto j = nlohmann::json::parse(js.out);
  ASSERT_EQ(j["peer_count"], 1);
  auto p = j["peers"][0];
  EXPECT_EQ(p["peer_id"], id);
  EXPECT_EQ(p["protocol"], "V03");
  EXPECT_EQ(p["configured_protocol"], "V03");
  EXPECT_EQ(p["endpoint"], lb);
  EXPECT_EQ(p["endpoint_confirmed"], true);
  EXPECT_EQ(p["key_out"], true);
  EXPECT_EQ(p["psk"], false);
  EXPECT_EQ(p["handshakes_completed"].get<uint64_t>(), count(a->out(), " exchanged\n"));
  const double file_age =
      std::chrono::duration<double>(
          now - std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) +
                                                      std::chrono::nanoseconds(st.st_mtim.tv_nsec)))
          .count();
  EXPECT_NEAR(p["seconds_since_key"].get<double>(), file_age, 1.0);
  EXPECT_GT(p["seconds_to_next_rekey"].get<double>(), 60.0);
  auto text = client({"status", "-s", sock});
  EXPECT_NE(text.out.find("peer: " + id + "\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  protocol: V03 (configured: V03)\n"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find(read_text(a_osk)), std::string::npos);  // no key material
  // A peer from the config file reports its key file too (the #12 trial saw `false`).
  auto bjs = client({"status", "-s", b_sock, "--json"});
  ASSERT_EQ(bjs.code, 0) << bjs.err;
  auto bp = nlohmann::json::parse(bjs.out)["peers"][0];
  EXPECT_EQ(bp["key_out"], true) << bjs.out;
  EXPECT_EQ(bp["wireguard"], false) << bjs.out;
  EXPECT_EQ(bp["protocol"], "V03") << bjs.out;

  // update-peer keeps the session: a new endpoint (the same address) and a PSK from a file.
  const std::string psk_file = dir_ / "psk";
  write_text(psk_file, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  auto up = client({"update-peer", "-s", sock, id, "--endpoint", lb, "--preshared-key", psk_file});
  EXPECT_EQ(up.code, 0) << up.err;
  auto js_up = nlohmann::json::parse(client({"status", "-s", sock, "--json"}).out);
  EXPECT_EQ(js_up["peers"][0]["psk"], false);  // an all-zero PSK is no PSK
  write_text(psk_file, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n");
  EXPECT_EQ(client({"update-peer", "-s", sock, id, "--preshared-key", psk_file}).code, 0);
  js_up = nlohmann::json::parse(client({"status", "-s", sock, "--json"}).out);
  EXPECT_EQ(js_up["peers"][0]["psk"], true);
  EXPECT_EQ(js_up["peers"][0]["handshakes_completed"], p["handshakes_completed"]);
  auto unknown = client({"update-peer", "-s", sock, std::string(43, 'A') + "=", "--no-endpoint"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("no such peer"), std::string::npos) << unknown.err;

  // 16 bytes of 0xFF on one connection close it; a second connection's Ping still answers.
  auto bad = connect_when_ready(sock);
  auto good = connect_when_ready(sock);
  ASSERT_TRUE(bad && good);
  const std::vector<uint8_t> garbage(16, 0xFF);
  ASSERT_EQ(::send(bad->fd(), garbage.data(), garbage.size(), MSG_NOSIGNAL), 16);
  EXPECT_TRUE(closed_by_daemon(bad->fd()));
  EXPECT_TRUE(ping_ok(*good));

  // remove-peer: one stale line (a random key replaces the exchanged one), then nothing,
  // even when B comes back and initiates again.
  auto rm = client({"remove-peer", "-s", sock, id});
  ASSERT_EQ(rm.code, 0) << rm.err;
  ASSERT_TRUE(wait_for([&] { return count(a->out(), " stale\n") == 1; }, 5s)) << a->out();
  const std::string after = read_text(a_osk), out_after = a->out();
  EXPECT_NE(after, read_text(b_osk));
  EXPECT_EQ(b->stop(), 0);
  b = start("b2", b_toml);  // a restarted B initiates at once
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(read_text(a_osk), after);
  EXPECT_EQ(a->out(), out_after);
  EXPECT_EQ(count(b->out(), " exchanged\n"), 0u);
  auto js2 = client({"status", "-s", sock, "--json"});
  const auto j2 = nlohmann::json::parse(js2.out);
  EXPECT_EQ(j2["peer_count"], 0);
  uint64_t dropped = 0;  // B's InitHellos, from a peer A no longer knows
  for (const auto& n : j2["dropped"]) dropped += n.get<uint64_t>();
  EXPECT_GT(dropped, 0u) << js2.out;
  // #17: the replies dropped on a busy socket are listed with the other daemon-wide counters.
  ASSERT_TRUE(j2["dropped"].contains("replies not sent (socket busy)")) << js2.out;
  EXPECT_EQ(j2["dropped"]["replies not sent (socket busy)"], 0) << js2.out;
  auto rm2 = client({"remove-peer", "-s", sock, id});
  EXPECT_EQ(rm2.code, 1);
  EXPECT_EQ(a->stop(), 0) << a->err();
  EXPECT_EQ(b->stop(), 0);
}

// Issue 18 with the control API: a daemon confined after set-up (--user nobody, no_new_privs,
// seccomp) still serves its API socket, made by root before the switch. What the request
// names is used as the service user: a key_out only root may write is refused (the log says
// why), one the service user may write gets keys; a root-only PSK file works because the
// client opens it and passes the descriptor. At exit the socket in a root-owned directory
// cannot be removed: said in the log. The process is never killed by the filter (SIGSYS).
TEST_F(ApiProcess, ConfinedDaemonServesTheApi) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch users";
  ::chmod(dir_.path().c_str(), 0755);
  const std::string svc = dir_ / "svc";
  ASSERT_EQ(::mkdir(svc.c_str(), 0700), 0);
  ASSERT_EQ(::chown(svc.c_str(), 65534, 65534), 0);
  int pa = free_udp_port(), pb = free_udp_port();
  const std::string la = "127.0.0.1:" + std::to_string(pa), lb = "127.0.0.1:" + std::to_string(pb);
  const std::string sock = dir_ / "a.sock", a_osk = svc + "/a.osk", b_osk = dir_ / "b.osk";
  auto a = start("a",
                 keypair("a") + "listen = [\"" + la +
                     "\"]\nverbosity = \"Verbose\"\npeers = []\n\n[api]\nlisten_path = [\"" +
                     sock + "\"]\n",
                 {"--user", "nobody"});
  auto b = start("b", keypair("b") + "listen = [\"" + lb +
                          "\"]\nverbosity = \"Verbose\"\n\n[[peers]]\npublic_key = \"" +
                          key("a.pk") + "\"\nendpoint = \"" + la + "\"\nkey_out = \"" + b_osk +
                          "\"\nprotocol_version = \"V03\"\n");
  ASSERT_TRUE(connect_when_ready(sock)) << a->err();
  ASSERT_TRUE(wait_for([&] { return status_field(a->pid(), "Uid") == "65534\t65534\t65534\t65534"; },
                       10s))
      << a->err();
  // The filter is loaded just after the user switch: wait for it rather than race it.
  const std::string want_seccomp = hardening::seccomp_filter_in_this_build() ? "2" : "0";
  EXPECT_TRUE(wait_for([&] { return status_field(a->pid(), "Seccomp") == want_seccomp; }, 10s))
      << status_field(a->pid(), "Seccomp");
  EXPECT_EQ(status_field(a->pid(), "NoNewPrivs"), "1");
  // Peers added through the API may name a WireGuard device: CAP_NET_ADMIN alone stays.
  EXPECT_EQ(status_field(a->pid(), "CapEff"), "0000000000001000");

  const std::string root_only = dir_ / "root-only.osk";
  auto refused = client({"add-peer", "-s", sock, "--public-key", key("b.pk"), "--endpoint", lb,
                         "--key-out", root_only, "--protocol-version", "V03"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("refused the request as invalid"), std::string::npos) << refused.err;
  EXPECT_TRUE(wait_for(
      [&] {
        return a->err().find("key_out \"" + root_only + "\" can not be written") !=
                   std::string::npos &&
               a->err().find("(the daemon runs as uid 65534)") != std::string::npos;
      },
      5s))
      << a->err();

  auto add = client({"add-peer", "-s", sock, "--public-key", key("b.pk"), "--endpoint", lb,
                     "--key-out", a_osk, "--protocol-version", "V03"});
  ASSERT_EQ(add.code, 0) << add.err << a->err();
  const std::string id = peer_id("b.pk", crypto::HashChoice::kShake256);
  ASSERT_TRUE(wait_for(
      [&] {
        std::string ka = read_text(a_osk);
        return ka.size() == 44 && ka == read_text(b_osk);
      },
      30s))
      << a->err() << "\n---\n"
      << b->err();
  struct stat st {};
  ASSERT_EQ(::stat(a_osk.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);

  const std::string psk_file = dir_ / "root.psk";
  write_text(psk_file, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n");
  ASSERT_EQ(::chmod(psk_file.c_str(), 0600), 0);
  auto up = client({"update-peer", "-s", sock, id, "--preshared-key", psk_file});
  EXPECT_EQ(up.code, 0) << up.err << a->err();
  auto js = client({"status", "-s", sock, "--json"});
  ASSERT_EQ(js.code, 0) << js.err;
  EXPECT_EQ(nlohmann::json::parse(js.out)["peers"][0]["psk"], true);
  EXPECT_EQ(client({"remove-peer", "-s", sock, id}).code, 0);

  EXPECT_EQ(a->stop(), 0) << a->err();  // 128 + 31 if the filter had killed it (SIGSYS)
  EXPECT_NE(a->err().find("could not remove the API socket \"" + sock + "\""), std::string::npos)
      << a->err();
  EXPECT_EQ(b->stop(), 0);
}

}  // namespace
}  // namespace rosenpass::test
