// extra_params accept exactly what `wg set DEV peer PK ...` accepts after a peer, and refuse
// what it refuses with its reason (parity 37). The installed `wg` (wireguard-tools, test-only)
// is the oracle: it parses all words before it touches any interface.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/device_config.h"

namespace rosenpass::wireguard {
namespace {

const char* kPk1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const char* kPk2 = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";

bool have_wg() {
  return std::system("command -v wg >/dev/null 2>&1") == 0;
}

// Runs `wg set <no such device> peer kPk1 words...`: did wg accept the words, and its message.
std::pair<bool, std::string> wg_verdict(const std::vector<std::string>& words) {
  int fds[2];
  if (::pipe(fds) != 0) return {false, "pipe"};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 2);
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "0", 1);
    std::vector<std::string> args = {"wg", "set", "rpnodev" + std::to_string(::getpid() % 100000),
                                     "peer", kPk1};
    args.insert(args.end(), words.begin(), words.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("wg", argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  // Having parsed everything, wg fails on the missing interface.
  bool accepted = out.find("Unable to modify interface") != std::string::npos ||
                  out.find("Unable to access interface") != std::string::npos;
  std::string first_line = out.substr(0, out.find('\n'));
  return {accepted, first_line};
}

class WgSetParams : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rp-wgset-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::array<uint8_t, 32> k{};
    crypto::system_random().fill(k);
    std::ofstream(dir_ / "psk") << crypto::base64_encode(k) << "\n";
    std::ofstream(dir_ / "psk-trailing") << crypto::base64_encode(k) << "x";
    std::ofstream(dir_ / "psk-short") << "AAAA";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(WgSetParams, SameVerdictAndReasonAsWg) {
  if (!have_wg()) GTEST_SKIP() << "needs wg (wireguard-tools)";
  struct Case {
    std::vector<std::string> words;
    bool same_message = true;  // false: we word it differently on purpose (no key text)
  };
  const std::vector<Case> cases = {
      {{}},
      {{"remove"}},
      {{"remove", "remove"}},
      {{"endpoint", "127.0.0.1:51820"}},
      {{"endpoint", "[::1]:51820"}},
      {{"endpoint", "::1:51820"}},
      {{"endpoint", "localhost:51820"}},
      {{"allowed-ips", "10.0.0.0/8, fd00::/64"}},
      {{"allowed-ips", ""}},
      {{"allowed-ips", "10.0.0.1"}},
      {{"allowed-ips", "10.0.0.1/08"}},
      {{"allowed-ips", "10.0.0.1/32", "allowed-ips", "10.0.0.2/32"}},
      {{"persistent-keepalive", "25"}},
      {{"persistent-keepalive", "off"}},
      {{"persistent-keepalive", "OFF"}},
      {{"persistent-keepalive", "0"}},
      {{"preshared-key", "/dev/null"}},
      {{"preshared-key", file("psk")}},
      {{"peer", kPk2, "remove"}},
      {{"peer", kPk2, "allowed-ips", "10.1.0.0/16", "endpoint", "127.0.0.1:1"}},
      {{"endpoint", "127.0.0.1:1", "peer", kPk2, "persistent-keepalive", "5", "peer", kPk1}},
      // Refused:
      {{"endpoint"}},
      {{"allowed-ips"}},
      {{"remove", "endpoint"}},
      {{"allowed-ips", "10.0.0.0/33"}},
      {{"allowed-ips", "10.0.0.0/"}},
      {{"allowed-ips", "10.0.0.0/+8"}},
      {{"allowed-ips", "+10.0.0.0/8"}},
      {{"allowed-ips", "10.0.0.1,,10.0.0.2"}},
      {{"allowed-ips", "fd00::/129"}},
      {{"allowed-ips", "10.0.0.300"}},
      {{"persistent-keepalive", "65536"}},
      {{"persistent-keepalive", "-1"}},
      {{"persistent-keepalive", "1x"}},
      {{"persistent-keepalive", ""}},
      {{"listen-port", "1"}},
      {{"fwmark", "1"}},
      {{"private-key", "/dev/null"}},
      {{"frobnicate"}},
      {{"peer"}},
      {{"peer", "short"}},
      {{"peer", kPk2, "listen-port", "1"}},
      {{"endpoint", "127.0.0.1"}},
      {{"endpoint", ""}},
      {{"endpoint", "[::1"}},
      {{"endpoint", "127.0.0.1:"}},
      {{"preshared-key", file("psk-short")}},
      {{"preshared-key", file("psk-trailing")}},
      {{"preshared-key", file("nonexistent")}, false},
  };
  for (const auto& c : cases) {
    std::string shown;
    for (const auto& w : c.words) shown += " '" + w + "'";
    auto [wg_ok, wg_message] = wg_verdict(c.words);
    PeerConfig peer;
    std::vector<PeerConfig> more;
    auto st = apply_wg_set_params(c.words, peer, &more);
    EXPECT_EQ(st.ok(), wg_ok) << shown << "\n  wg: " << wg_message
                              << "\n  we: " << (st ? "(accepted)" : st.error().message);
    if (!st && !wg_ok && c.same_message) {
      EXPECT_EQ(st.error().message, wg_message) << shown;
    }
  }
}

TEST_F(WgSetParams, MeaningOfTheWords) {
  PeerConfig peer;
  std::vector<PeerConfig> more;
  ASSERT_TRUE(apply_wg_set_params({"allowed-ips", "10.0.0.1/32", "allowed-ips", " fd00::/64 ",
                                   "persistent-keepalive", "off", "peer", kPk2, "remove"},
                                  peer, &more)
                  .ok());
  ASSERT_TRUE(peer.allowed_ips);
  ASSERT_EQ(peer.allowed_ips->size(), 2u);  // a second allowed-ips adds to the first
  EXPECT_EQ(format_allowed_ip((*peer.allowed_ips)[1]), "fd00::/64");
  EXPECT_EQ(peer.persistent_keepalive, 0);
  EXPECT_FALSE(peer.remove);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_TRUE(more[0].remove);
  EXPECT_EQ(crypto::base64_encode(more[0].public_key), kPk2);
  // An empty preshared-key file clears the PSK, as `wg set ... preshared-key /dev/null` does.
  PeerConfig p2;
  p2.preshared_key = WgSecretKey::random(crypto::system_random());
  ASSERT_TRUE(apply_wg_set_params({"preshared-key", "/dev/null"}, p2).ok());
  ASSERT_TRUE(p2.preshared_key);
  EXPECT_TRUE(crypto::ct_is_zero(p2.preshared_key->reveal()));
  // Without a place for further peers, a peer clause is refused rather than dropped.
  PeerConfig p3;
  EXPECT_FALSE(apply_wg_set_params({"peer", kPk2}, p3).ok());
}

}  // namespace
}  // namespace rosenpass::wireguard
