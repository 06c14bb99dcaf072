// Configs refused at start and by `validate` (issue 18 item 1, issue 16): each refusal names
// the peer, the file and the problem. Also rp key directories and the deep-TOML bound.
#include "rosenpass/daemon/config_safety.h"

#include <gtest/gtest.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "daemon_test_util.h"
#include "real_keys.h"
#include "rosenpass/daemon/app.h"
#include "rosenpass/daemon/exchange_grammar.h"
#include "rosenpass/daemon/validate.h"

namespace rosenpass::daemon {
namespace {

using test::ScratchDir;
constexpr uid_t kNobody = 65534;

// A valid one-peer config in `d`: our key pair 0, the peer's key pair 1, key_out d/out.
Config good_config(const ScratchDir& d) {
  test::write_real_keypair(0, d / "pk", d / "sk");
  test::write_real_keypair(1, d / "peer.pk", d / "peer.sk");
  Config c;
  c.keypair = Keypair{d / "pk", d / "sk"};
  PeerConfig p;
  p.public_key = d / "peer.pk";
  p.key_out = d / "out";
  c.peers.push_back(p);
  return c;
}

std::string problem(const Config& c) {
  std::vector<std::string> warnings;
  auto st = validate_config(c, warnings);
  return st ? std::string("OK") : st.error().message;
}

TEST(ConfigSafety, GoodConfigPasses) {
  ScratchDir d;
  EXPECT_EQ(problem(good_config(d)), "OK");
}

TEST(ConfigSafety, KeyOutInMissingDirectory) {
  ScratchDir d;
  auto c = good_config(d);
  c.peers[0].key_out = d / "no-such-dir/out";
  EXPECT_EQ(problem(c), "peer 0 key_out \"" + d / "no-such-dir/out" + "\": directory \"" +
                            d / "no-such-dir" + "\" does not exist");
}

TEST(ConfigSafety, KeyOutIsADirectory) {
  ScratchDir d;
  auto c = good_config(d);
  std::filesystem::create_directory(d / "dir");
  c.peers[0].key_out = d / "dir";
  EXPECT_EQ(problem(c), "peer 0 key_out \"" + d / "dir" + "\" is a directory");
}

TEST(ConfigSafety, KeyOutUnwritableForTheServiceUser) {
  ScratchDir d;
  auto c = good_config(d);
  std::filesystem::create_directory(d / "ro");
  ::chmod((d / "ro").c_str(), 0755);  // root's directory: nobody cannot create files in it
  c.peers[0].key_out = d / "ro/out.key";
  WriterIdentity nobody{kNobody, kNobody, {}};
  std::vector<std::string> warnings;
  auto st = check_config_safety(c, warnings, nobody);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "peer 0 key_out \"" + d / "ro/out.key" +
                                    "\" can not be written by uid 65534: directory \"" + d / "ro" +
                                    "\" is not writable and the file does not exist");
  // An existing root-owned file: neither works.
  test::write_text(d / "ro/out.key", "");
  st = check_config_safety(c, warnings, nobody);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("is not writable and neither is the file"), std::string::npos);
  // Pre-created and owned by the service user: written in place, accepted.
  ASSERT_EQ(::chown((d / "ro/out.key").c_str(), kNobody, kNobody), 0);
  EXPECT_TRUE(check_config_safety(c, warnings, nobody).ok());
  // Root can write anywhere.
  EXPECT_EQ(problem(c), "OK");
}

TEST(ConfigSafety, KeyOutIsAKeyFile) {
  ScratchDir d;
  auto c = good_config(d);
  c.peers[0].key_out = d / "sk";
  EXPECT_EQ(problem(c), "peer 0 key_out \"" + d / "sk" +
                            "\" is our secret-key file; writing exchanged keys there would "
                            "destroy it");
  // Another spelling of the same file, and a symlink to it.
  c.peers[0].key_out = d / "./pk";
  EXPECT_NE(problem(c).find("is our public-key file"), std::string::npos);
  std::filesystem::create_symlink(d / "sk", d / "link");
  c.peers[0].key_out = d / "link";
  EXPECT_NE(problem(c).find("is our secret-key file"), std::string::npos);
  c.peers[0].key_out = d / "peer.pk";
  EXPECT_NE(problem(c).find("is the public-key file of peer 0"), std::string::npos);
  test::write_text(d / "psk", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  c.peers[0].pre_shared_key = d / "psk";
  c.peers[0].key_out = d / "psk";
  EXPECT_NE(problem(c).find("is the pre-shared-key file of peer 0"), std::string::npos);
}

TEST(ConfigSafety, TwoPeersWithOneKeyOut) {
  ScratchDir d;
  auto c = good_config(d);
  test::write_real_keypair(2, d / "peer2.pk", d / "peer2.sk");
  PeerConfig p2;
  p2.public_key = d / "peer2.pk";
  p2.key_out = d / "sub/../out";
  std::filesystem::create_directory(d / "sub");
  c.peers.push_back(p2);
  EXPECT_EQ(problem(c), "peer 0 and peer 1 have the same key_out \"" + d / "sub/../out" +
                            "\"; each peer needs its own file");
  c.peers[1].key_out = d / "out2";
  EXPECT_EQ(problem(c), "OK");
}

TEST(ConfigSafety, PeerWithOurOwnPublicKey) {
  ScratchDir d;
  auto c = good_config(d);
  std::filesystem::copy_file(d / "pk", d / "copy.pk");
  c.peers[0].public_key = d / "copy.pk";
  const std::string msg = "peer 0 public-key file \"" + d / "copy.pk" +
                          "\" holds our own public key (\"" + d / "pk" +
                          "\"); a peer's public key comes from the other side";
  // `validate` warns (the reference's own test configures this), the daemon refuses.
  std::vector<std::string> warnings;
  EXPECT_TRUE(validate_config(c, warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], msg);
  auto st = refuse_peer_with_own_key(c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, msg);
}

// The daemon's start maps each public key once (the daemon runs on those mappings) and
// refuses a peer with our own key from that one read, without a warning first.
TEST(ConfigSafety, DaemonStartMapsEachKeyOnceAndRefusesOurOwn) {
  ScratchDir d;
  auto c = good_config(d);
  test::write_real_keypair(2, d / "peer2.pk", d / "peer2.sk");
  PeerConfig second = c.peers[0];
  second.public_key = d / "peer2.pk";
  second.key_out = d / "out2";
  c.peers.push_back(second);
  std::vector<std::string> warnings;
  MappedPublicKeys mapped;
  ASSERT_TRUE(validate_config(c, warnings, &mapped).ok());
  ASSERT_EQ(mapped.peers.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto from_file = load_public_key(c.peers[i].public_key);
    ASSERT_TRUE(from_file.ok());
    ASSERT_TRUE(mapped.peers[i]);
    EXPECT_TRUE(**from_file == *mapped.peers[i]) << "peer " << i;
  }
  EXPECT_FALSE(mapped.peer_with_own_key);
  EXPECT_TRUE(refuse_peer_with_own_key(c, &mapped).ok());

  std::filesystem::copy_file(d / "pk", d / "copy.pk");
  c.peers[1].public_key = d / "copy.pk";
  warnings.clear();
  ASSERT_TRUE(validate_config(c, warnings, &mapped).ok());
  EXPECT_TRUE(warnings.empty());  // the daemon refuses instead
  ASSERT_EQ(mapped.peer_with_own_key, std::optional<std::size_t>(1));
  auto st = refuse_peer_with_own_key(c, &mapped);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "peer 1 public-key file \"" + d / "copy.pk" +
                                    "\" holds our own public key (\"" + d / "pk" +
                                    "\"); a peer's public key comes from the other side");
  // A file that cannot be read is named as before.
  c.peers[1].public_key = d / "short.pk";
  std::ofstream(d / "short.pk") << "short";
  st = validate_config(c, warnings, &mapped);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("peer 1 public-key file"), std::string::npos) << st.error().message;
}

TEST(ConfigSafety, PublicKeyOfAnotherSecretKey) {
  ScratchDir d;
  auto c = good_config(d);
  c.keypair->public_key = d / "peer.pk";
  c.peers[0].public_key = d / "pk";
  EXPECT_EQ(problem(c), "public-key file \"" + d / "peer.pk" +
                            "\" does not belong to secret-key file \"" + d / "sk" +
                            "\" (use the two files `rosenpass gen-keys` wrote together)");
}

// Runs `fn` in a child as uid/gid `uid` (no supplementary groups); returns what it wrote.
std::string as_user(uid_t uid, const std::function<std::string()>& fn, int* exit_code = nullptr) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgroups(0, nullptr) != 0 || ::setresgid(uid, uid, uid) != 0 ||
        ::setresuid(uid, uid, uid) != 0) {
      ::_exit(99);
    }
    std::string out = fn();
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, std::size_t(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (exit_code) *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

TEST(ConfigSafety, ValidateReadsKeysAsTheDaemonWill) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to another user";
  ScratchDir d;
  ::chmod(d.path().c_str(), 0755);
  auto c = good_config(d);
  ::chmod((d / "pk").c_str(), 0644);
  ::chmod((d / "peer.pk").c_str(), 0644);
  ASSERT_EQ(::chown(d.path().c_str(), kNobody, kNobody), 0);  // key_out's directory
  // sk is root's and 0600: the service user can not read it.
  auto msg = as_user(kNobody, [&] { return problem(c); });
  EXPECT_EQ(msg, "could not read secret-key file \"" + d / "sk" +
                     "\": Permission denied (os error 13)");
  ASSERT_EQ(::chown((d / "sk").c_str(), kNobody, kNobody), 0);
  EXPECT_EQ(as_user(kNobody, [&] { return problem(c); }), "OK");
}

TEST(ConfigSafety, RpKeyDirectoriesAreAccepted) {
  ScratchDir d;
  // `rp genkey self.sk` and `rp pubkey self.sk self.pk` layouts.
  std::filesystem::create_directories(d / "self.sk");
  std::filesystem::create_directories(d / "self.pk");
  std::filesystem::create_directories(d / "peer.pk");
  test::write_real_keypair(0, d / "self.sk/pqpk", d / "self.sk/pqsk");
  std::filesystem::copy_file(d / "self.sk/pqpk", d / "self.pk/pqpk");
  test::write_real_keypair(1, d / "peer.pk/pqpk", d / "peer.sk");
  Config c;
  c.keypair = Keypair{d / "self.pk", d / "self.sk"};
  PeerConfig p;
  p.public_key = d / "peer.pk";
  p.key_out = d / "out";
  c.peers.push_back(p);
  std::vector<std::string> notes;
  ASSERT_TRUE(resolve_key_directories(c, notes).ok());
  EXPECT_EQ(c.keypair->public_key, d / "self.pk/pqpk");
  EXPECT_EQ(c.keypair->secret_key, d / "self.sk/pqsk");
  EXPECT_EQ(c.peers[0].public_key, d / "peer.pk/pqpk");
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0], "public-key file \"" + d / "self.pk" + "\" is an rp key directory; using \"" +
                          d / "self.pk/pqpk" + "\"");
  EXPECT_EQ(problem(c), "OK");
  // Any other directory: "is a directory".
  std::filesystem::create_directories(d / "empty");
  c.peers[0].public_key = d / "empty";
  auto st = resolve_key_directories(c, notes);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "peer 0 public-key file \"" + d / "empty" +
                                    "\" is a directory, not a key file (an rp key directory "
                                    "would hold `pqpk`)");
}

struct AppRun {
  int code;
  std::string err;
};
AppRun run_app(std::vector<std::string> args) {
  testing::internal::CaptureStderr();
  Services s;
  s.run_daemon = [](Config&&, const GlobalOptions&) { return 0; };
  int code = run_rosenpass(args, s);
  return {code, testing::internal::GetCapturedStderr()};
}

TEST(ConfigSafety, ValidateAndStartRefuseWithTheSameMessage) {
  ScratchDir d;
  test::write_real_keypair(0, d / "pk", d / "sk");
  test::write_real_keypair(1, d / "peer.pk", d / "peer.sk");
  test::write_text(d / "c.toml", "public_key = \"" + d / "pk" + "\"\nsecret_key = \"" + d / "sk" +
                                     "\"\nlisten = []\n[[peers]]\npublic_key = \"" + d / "peer.pk" +
                                     "\"\nkey_out = \"" + d / "sk" + "\"\n");
  auto r = run_app({"validate", d / "c.toml"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("contains logical errors: 'peer 0 key_out \"" + d / "sk" +
                       "\" is our secret-key file"),
            std::string::npos)
      << r.err;
  r = run_app({"exchange-config", d / "c.toml"});
  EXPECT_EQ(r.code, 1);
  // The daemon's refusal names the config file too.
  EXPECT_NE(r.err.find("config file \"" + d / "c.toml" + "\": peer 0 key_out \"" + d / "sk" +
                       "\" is our secret-key file"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(test::read_text(d / "sk"), test::real_keypair(0).sk);
}

TEST(ConfigSafety, DaemonRefusesAPeerWithOurOwnKey) {
  ScratchDir d;
  test::write_real_keypair(0, d / "pk", d / "sk");
  test::write_text(d / "c.toml", "public_key = \"" + d / "pk" + "\"\nsecret_key = \"" + d / "sk" +
                                     "\"\nlisten = []\n[[peers]]\npublic_key = \"" + d / "pk" +
                                     "\"\nkey_out = \"" + d / "out" + "\"\n");
  auto r = run_app({"exchange-config", d / "c.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("peer 0 public-key file \"" + d / "pk" + "\" holds our own public key"),
            std::string::npos)
      << r.err;
}

TEST(ConfigSafety, RpKeyDirectoryNotedAtVerbose) {
  ScratchDir d;
  std::filesystem::create_directories(d / "self.sk");
  test::write_real_keypair(0, d / "self.sk/pqpk", d / "self.sk/pqsk");
  test::write_real_keypair(1, d / "peer.pk", d / "peer.sk");
  test::write_text(d / "c.toml", "public_key = \"" + d / "self.sk" + "\"\nsecret_key = \"" +
                                     d / "self.sk" + "\"\nlisten = []\n[[peers]]\npublic_key = \"" +
                                     d / "peer.pk" + "\"\nkey_out = \"" + d / "out" + "\"\n");
  auto r = run_app({"-v", "validate", d / "c.toml"});
  EXPECT_NE(r.err.find("has passed all logical checks"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("secret-key file \"" + d / "self.sk" + "\" is an rp key directory; using \"" +
                       d / "self.sk/pqsk" + "\""),
            std::string::npos)
      << r.err;
}

// Parity item 20: a `~` path with no home directory stops `validate` with exit 1 and the
// reference's message, whichever key holds the `~`; later files are not checked.
TEST(ConfigSafety, TildeWithoutHomeStopsValidate) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become a user without a passwd entry";
  ScratchDir d;
  ::chmod(d.path().c_str(), 0755);
  test::write_text(d / "a.toml",
                   "public_key = \"~/pk\"\nsecret_key = \"~/sk\"\nlisten = []\n[[peers]]\n"
                   "public_key = \"~/peer.pk\"\nkey_out = \"/tmp/x\"\n");
  test::write_text(d / "b.toml", "listen = []\npeers = []\n");
  ::chmod((d / "a.toml").c_str(), 0644);
  ::chmod((d / "b.toml").c_str(), 0644);
  constexpr uid_t kNoPasswd = 54321;  // no passwd entry on a test machine
  int code = -1;
  auto err = as_user(
      kNoPasswd,
      [&] {
        ::unsetenv("HOME");
        auto r = run_app({"validate", d / "a.toml", d / "b.toml"});
        return std::to_string(r.code) + "|" + r.err;
      },
      &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(err.substr(0, 2), "1|") << err;
  EXPECT_NE(err.find("config file contains \"~\" but can not determine home diretory"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("invalid peer"), std::string::npos) << err;
  EXPECT_EQ(err.find("b.toml"), std::string::npos) << err;
  // The key and the file, after the reference's wording (the TOML library reads keys in
  // sorted order: `peers` before `public_key`).
  EXPECT_NE(err.find("home diretory (`public_key` of peer 0 in config file \"" + d / "a.toml" +
                     "\")"),
            std::string::npos)
      << err;
}

TEST(ConfigSafety, TildeWithoutHomeNamesThePeerKeyAndFile) {
  auto r = parse_config("listen = []\n[[peers]]\npublic_key = \"/pk\"\nkey_out = \"~/out\"\n",
                        "/etc/rp.toml", std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "config file contains \"~\" but can not determine home diretory (`key_out` of peer 0 "
            "in config file \"/etc/rp.toml\")");
}

// exchange-config names the config file when the TOML is refused (validate already did).
TEST(ConfigSafety, ExchangeConfigNamesTheFileOfARefusedToml) {
  ScratchDir d;
  std::string key = "a";
  for (int i = 1; i < 100; ++i) key += ".a";
  test::write_text(d / "deep.toml", "[" + key + "]\n");
  auto r = run_app({"exchange-config", d / "deep.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("could not load config file \"" + d / "deep.toml" + "\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("TOML input refused: line 1: "), std::string::npos) << r.err;
}

// validate judges `user` as the daemon does: an unknown user is a logical error, and key_out
// is checked as that user (here one that can not write the root-only directory).
TEST(ConfigSafety, ValidateChecksTheServiceUser) {
  ScratchDir d;
  test::write_real_keypair(0, d / "pk", d / "sk");
  test::write_real_keypair(1, d / "peer.pk", d / "peer.sk");
  auto config = [&](const std::string& user) {
    return "public_key = \"" + d / "pk" + "\"\nsecret_key = \"" + d / "sk" +
           "\"\nlisten = []\nuser = \"" + user + "\"\n[[peers]]\npublic_key = \"" +
           d / "peer.pk" + "\"\nkey_out = \"" + d / "out" + "\"\n";
  };
  test::write_text(d / "c.toml", config("no-such-user-here"));
  auto r = run_app({"validate", d / "c.toml"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("contains logical errors: '`user` in config file \"" + d / "c.toml" +
                       "\": no such user \"no-such-user-here\"'"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("passed all logical checks"), std::string::npos) << r.err;
  // The scratch directory is 0700 and ours: uid 65534 can not create key_out in it.
  ASSERT_EQ(::chmod(d.path().c_str(), 0700), 0);
  test::write_text(d / "c.toml", config("65534"));
  r = run_app({"validate", d / "c.toml"});
  EXPECT_NE(r.err.find("contains logical errors: 'peer 0 key_out \"" + d / "out" +
                       "\" can not be written by uid 65534"),
            std::string::npos)
      << r.err;
}

// The finding about a peer with our own public key is printed at the default log level.
TEST(ConfigSafety, ValidateShowsOwnKeyPeerAtDefaultLevel) {
  ScratchDir d;
  test::write_real_keypair(0, d / "pk", d / "sk");
  test::write_text(d / "c.toml", "public_key = \"" + d / "pk" + "\"\nsecret_key = \"" + d / "sk" +
                                     "\"\nlisten = []\n[[peers]]\npublic_key = \"" + d / "pk" +
                                     "\"\nkey_out = \"" + d / "out" + "\"\n");
  auto r = run_app({"validate", d / "c.toml"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("\"" + d / "c.toml" + "\" warning: peer 0 public-key file \"" + d / "pk" +
                       "\" holds our own public key"),
            std::string::npos)
      << r.err;
}

// Issue 18 item 2: a 50,000-component dotted header or key is refused before the TOML
// library sees it (it overflowed the stack).
TEST(ConfigSafety, DeepTomlIsRefusedNotACrash) {
  std::string key = "a";
  for (int i = 1; i < 50000; ++i) key += ".a";
  for (const std::string& text : {"[" + key + "]\n", key + " = 1\n", "x = {" + key + " = 1}\n"}) {
    auto r = parse_config("listen = []\npeers = []\n" + text, "deep.toml", "/home/u");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message,
              "TOML input refused: line 3: a dotted key or table header has more than 32 "
              "components");
  }
  std::string nested = "x = " + std::string(50000, '[') + std::string(50000, ']') + "\n";
  auto r = parse_config(nested, "deep.toml", "/home/u");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "TOML input refused: line 1: arrays, inline tables or table headers are nested more "
            "than 32 deep");
  // Through `validate`: reported as an invalid file, exit 0 as for any invalid file.
  ScratchDir d;
  test::write_text(d / "deep.toml", "[" + key + "]\n");
  auto v = run_app({"validate", d / "deep.toml"});
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.err.find("is not valid: TOML input refused"), std::string::npos) << v.err;
}

// Found by tests/fuzz/fuzz_exchange_grammar: a non-UTF-8 word made `exchange -c` write a
// file that could not be read back. The reference takes only UTF-8 arguments.
TEST(ConfigSafety, ExchangeWordsMustBeUtf8) {
  std::vector<std::string> w = {"public-key", "a", "secret-key", "b", "peer", "public-key", "c",
                                "wireguard", "wg0", "AAAA", "x\xff"};
  auto r = parse_exchange_words(w);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "invalid UTF-8 was detected in one or more arguments");
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    w.back() = bad;
    EXPECT_FALSE(parse_exchange_words(w).ok()) << bad;
  }
  w.back() = "ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91";
  EXPECT_TRUE(parse_exchange_words(w).ok());
}

TEST(ConfigSafety, OversizedTomlIsRefused) {
  std::string text = "listen = []\npeers = []\n# " + std::string(16u << 20, 'x') + "\n";
  auto r = parse_config(text, "big.toml", "/home/u");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than the limit of 16777216"), std::string::npos);
}

}  // namespace
}  // namespace rosenpass::daemon
