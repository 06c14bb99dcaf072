#include "rosenpass/daemon/config.h"

#include <gtest/gtest.h>

#include "daemon_test_util.h"
#include "real_keys.h"
#include "rosenpass/daemon/exchange_grammar.h"
#include "rosenpass/daemon/validate.h"

namespace rosenpass::daemon {
namespace {

using test::ScratchDir;

Result<Config> parse(const std::string& text, std::optional<std::string> home = "/home/u") {
  return parse_config(text, "test.toml", home);
}

std::string err(const std::string& text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().chain();
}

TEST(Config, TypicalFile) {
  auto c = parse(R"(
public_key = "/var/secrets/self.pk"
secret_key = "~/self.sk"
listen = ["[::]:51821", "127.0.0.1:9999"]
verbosity = "Verbose"

[[peers]]
public_key = "/var/secrets/peer.pk"
endpoint = "clientkeyexchanger:51821"
key_out = "/root/peer.osk"
protocol_version = "V02-pc"

[[peers]]
public_key = "p2.pk"
device = "wg0"
peer = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
extra_params = ["allowed-ips", "10.0.0.2/32"]
)");
  ASSERT_TRUE(c.ok()) << c.error().chain();
  EXPECT_EQ(c->keypair->secret_key, "/home/u/self.sk");
  ASSERT_EQ(c->listen.size(), 2u);
  EXPECT_EQ(c->listen[0].to_string(), "[::]:51821");
  EXPECT_EQ(c->listen[1].to_string(), "127.0.0.1:9999");
  EXPECT_EQ(c->verbosity, Verbosity::kVerbose);
  ASSERT_EQ(c->peers.size(), 2u);
  EXPECT_EQ(c->peers[0].version(), ProtocolVersion::kV02pc);
  EXPECT_EQ(c->peers[1].version(), ProtocolVersion::kAuto);
  ASSERT_TRUE(c->peers[1].wireguard);
  EXPECT_EQ(c->peers[1].wireguard->extra_params.size(), 2u);
}

TEST(Config, RequiredAndUnknownKeys) {
  EXPECT_NE(err("peers = []").find("missing field `listen`"), std::string::npos);
  EXPECT_NE(err("listen = []").find("missing field `peers`"), std::string::npos);
  EXPECT_NE(err("listen = []\npeers = []\nfoo = 1").find("unknown field `foo`"), std::string::npos);
  EXPECT_NE(err("listen = []\n[[peers]]\npublic_key = \"a\"\nkeyout = \"x\"")
                .find("unknown field `keyout`"),
            std::string::npos);
  EXPECT_NE(err("listen = []\n[[peers]]\nkey_out = \"x\"").find("missing field `public_key`"),
            std::string::npos);
  EXPECT_NE(err("listen = [\"localhost:5\"]\npeers = []").find("invalid socket address"),
            std::string::npos);
  EXPECT_NE(err("listen = []\npeers = []\nverbosity = \"loud\"").find("unknown variant"),
            std::string::npos);
  EXPECT_NE(err("listen = 5\npeers = []").find("invalid type"), std::string::npos);
  EXPECT_NE(err("listen = [\npeers = []").find("TOML parse error at line"), std::string::npos);
  EXPECT_NE(err("listen = []\npeers = []\npublic_key = \"a\"").find("secret_key"),
            std::string::npos);
}

TEST(Config, ProtocolVersions) {
  for (const char* v : {"V02", "V03", "V02-pc", "auto"}) {
    auto c =
        parse(std::string("listen = []\n[[peers]]\npublic_key = \"a\"\nprotocol_version = \"") + v +
              "\"");
    ASSERT_TRUE(c.ok()) << v;
    EXPECT_EQ(to_string(c->peers[0].version()), v);
  }
  EXPECT_NE(
      err("listen = []\n[[peers]]\npublic_key = \"a\"\nprotocol_version = \"V04\"").find("V02-pc"),
      std::string::npos);
}

TEST(Config, V023ExchangeCommandAcceptedWithWarning) {
  // As v0.2.3's gen-config writes it.
  auto c = parse(R"(public_key = "rp-public-key"
secret_key = "rp-secret-key"
listen = []
verbosity = "Quiet"

[[peers]]
public_key = "rp-peer-public-key"
endpoint = "my-peer.test:9999"
key_out = "rp-key-out"
exchange_command = ["wg", "set", "wg0", "peer", "<PEER_ID>", "preshared-key", "/dev/stdin"]
)");
  ASSERT_TRUE(c.ok()) << c.error().chain();
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("exchange_command"), std::string::npos);
}

TEST(Config, TildeExpansion) {
  std::optional<std::string> home = "/h";
  EXPECT_EQ(*expand_tilde("~/x", home), "/h/x");
  EXPECT_EQ(*expand_tilde("~", home), "/h");
  EXPECT_EQ(*expand_tilde("~user/x", home), "~user/x");
  EXPECT_EQ(*expand_tilde("/~/x", home), "/~/x");
  EXPECT_FALSE(expand_tilde("~/x", std::nullopt).ok());
  EXPECT_TRUE(expand_tilde("x", std::nullopt).ok());
}

TEST(Config, HalfWireGuardGroupDroppedSilently) {
  auto c = parse("listen = []\n[[peers]]\npublic_key = \"a\"\ndevice = \"wg0\"");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->peers[0].wireguard);
}

// `rehandshake` (#14 item 7): a boolean, only with a WireGuard target, and serialized.
TEST(Config, RehandshakeKey) {
  const std::string wg = "listen = []\n[[peers]]\npublic_key = \"a\"\ndevice = \"wg0\"\n"
                         "peer = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n";
  auto c = parse(wg + "rehandshake = true\n");
  ASSERT_TRUE(c.ok()) << c.error().chain();
  ASSERT_TRUE(c->peers[0].wireguard);
  EXPECT_TRUE(c->peers[0].wireguard->rehandshake);
  auto back = parse(serialize_config(*c));
  ASSERT_TRUE(back.ok()) << serialize_config(*c);
  EXPECT_TRUE(back->peers[0].wireguard->rehandshake);
  auto plain = parse(wg);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->peers[0].wireguard->rehandshake);
  EXPECT_NE(err(wg + "rehandshake = \"yes\"\n").find("rehandshake"), std::string::npos);
  EXPECT_NE(err("listen = []\n[[peers]]\npublic_key = \"a\"\nrehandshake = true\n")
                .find("set `device` and `peer`"),
            std::string::npos);
}

TEST(Config, SerializeRoundTrip) {
  auto c = parse(R"(public_key = "p k"
secret_key = "s\"k"
listen = ["[::1]:4000"]
peers = []
)");
  ASSERT_TRUE(c.ok());
  PeerConfig p;
  p.public_key = "pp";
  p.endpoint = "example.test:1";
  p.key_out = "o";
  p.protocol_version = ProtocolVersion::kV03;
  p.osk_organization = "org";
  p.osk_label = std::vector<std::string>{"a", "b"};
  c->peers.push_back(p);
  auto back = parse(serialize_config(*c));
  ASSERT_TRUE(back.ok()) << back.error().chain() << "\n" << serialize_config(*c);
  EXPECT_EQ(back->keypair->secret_key, "s\"k");
  EXPECT_EQ(back->listen[0].to_string(), "[::1]:4000");
  EXPECT_EQ(back->peers[0].endpoint, "example.test:1");
  EXPECT_EQ(back->peers[0].version(), ProtocolVersion::kV03);
  EXPECT_EQ(back->peers[0].osk_label->size(), 2u);
}

TEST(ErrorChain, OneCauseIsNotNumberedSeveralAre) {
  // anyhow's report format, as the reference prints it.
  EXPECT_EQ((Error{"outer", {"inner"}}.chain()), "outer\n\nCaused by:\n    inner");
  EXPECT_EQ((Error{"outer", {"middle", "inner"}}.chain()),
            "outer\n\nCaused by:\n    0: middle\n    1: inner");
  EXPECT_EQ((Error{"alone", {}}.chain()), "alone");
}

TEST(Config, SerializeWritesProtocolVersionOnlyWhenSet) {
  Config c;
  PeerConfig p;
  p.public_key = "pp";
  p.key_out = "o";
  c.peers.push_back(p);
  EXPECT_EQ(serialize_config(c).find("protocol_version"), std::string::npos);
  c.peers[0].protocol_version = ProtocolVersion::kV02pc;  // our extra value, set explicitly
  EXPECT_NE(serialize_config(c).find("protocol_version = \"V02-pc\""), std::string::npos);
  c.peers[0].protocol_version = ProtocolVersion::kV02;
  EXPECT_NE(serialize_config(c).find("protocol_version = \"V02\""), std::string::npos);
}

TEST(Config, GenConfigTemplateIsTheReferenceTemplateByteForByte) {
  auto c = parse(std::string(kGenConfigTemplate));
  ASSERT_TRUE(c.ok()) << c.error().chain();
  EXPECT_EQ(c->peers.size(), 1u);
  // application.md §3.6, parity item 11: the reference's template verbatim (our extra
  // protocol versions are documented in --help and the man page instead).
  EXPECT_EQ(std::string(kGenConfigTemplate),
            test::read_text(RP_TEST_DATA_DIR "/reference/gen-config.toml"));
}

TEST(SocketAddress, LiteralsAndResolution) {
  EXPECT_TRUE(SocketAddress::parse_literal("1.2.3.4:5"));
  EXPECT_TRUE(SocketAddress::parse_literal("[fe80::1%2]:51821"));
  EXPECT_FALSE(SocketAddress::parse_literal("[fe80::1%eth0]:51821"));
  EXPECT_FALSE(SocketAddress::parse_literal("::1:4000"));
  EXPECT_FALSE(SocketAddress::parse_literal("1.2.3.4:70000"));
  auto r = resolve_host_port("::1:4000");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].to_string(), "[::1]:4000");
  auto lh = resolve_host_port("localhost:9999");
  ASSERT_TRUE(lh.ok());
  EXPECT_EQ((*lh)[0].port(), 9999);
  EXPECT_FALSE(resolve_host_port("no-such-host.invalid:1").ok());
  EXPECT_FALSE(resolve_host_port("localhost").ok());
}

TEST(ExchangeGrammar, QuirksOfTheReference) {
  auto words = [](std::vector<std::string> w) { return parse_exchange_words(w); };
  auto c = words({"private-key",   "sk",         "public-key", "pk",   "listen",   "127.0.0.1:9999",
                  "verbose",       "peer",       "public-key", "a.pk", "endpoint", "localhost:1",
                  "preshared-key", "psk",        "outfile",    "o",    "peer",     "public-key",
                  "b.pk",          "wireguard",  "wg0",        "KEY",  "outfile",  "x",
                  "peer",          "public-key", "peer"});
  ASSERT_TRUE(c.ok()) << c.error().chain();
  EXPECT_EQ(c->keypair->secret_key, "sk");
  EXPECT_EQ(c->verbosity, Verbosity::kVerbose);
  EXPECT_EQ(c->warnings.size(), 1u);  // private-key is deprecated
  ASSERT_EQ(c->peers.size(), 3u);
  EXPECT_EQ(c->peers[0].pre_shared_key, "psk");  // endpoint and psk together are allowed
  EXPECT_EQ(c->peers[1].wireguard->extra_params, (std::vector<std::string>{"outfile", "x"}));
  EXPECT_FALSE(c->peers[1].key_out);
  EXPECT_EQ(c->peers[2].public_key, "peer");  // a keyword value is taken literally
  EXPECT_EQ(words({"peer"}).error().message, "public-key file must be set");
  EXPECT_EQ(words({"public-key", "a", "peer"}).error().message, "secret-key file must be set");
  EXPECT_EQ(words({"public-key", "a", "public-key", "b"}).error().message,
            "public-key was already set");
  EXPECT_EQ(words({"bogus"}).error().message, "unrecognised argument bogus");
  EXPECT_EQ(words({"public-key", "a", "secret-key", "b", "peer", "bogus"}).error().message,
            "unrecongnised argument bogus");
  EXPECT_EQ(words({"public-key", "a", "secret-key", "b", "peer", "outfile", "x", "outfile", "y"})
                .error()
                .message,
            "peer outfile was already set");
  // A trailing keyword leaves an empty value for validation to report.
  auto t = words({"public-key", "a", "secret-key", "b", "peer", "public-key"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->peers[0].public_key, "");
  // `wireguard DEV peer` takes `peer` as the WireGuard key, not as a new peer.
  auto w = words({"public-key", "a", "secret-key", "b", "peer", "wireguard", "wg0", "peer"});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->peers.size(), 1u);
  EXPECT_EQ(w->peers[0].wireguard->peer, "peer");
}

TEST(Validate, MessagesInOrder) {
  ScratchDir d;
  std::vector<std::string> warnings;
  Config c;
  c.keypair = Keypair{d / "pk", d / "sk"};
  auto msg = [&] {
    auto st = validate_config(c, warnings);
    return st.ok() ? std::string("OK") : st.error().message;
  };
  EXPECT_EQ(msg(), "could not find public-key file \"" + d / "pk" +
                       "\": no such file. Consider running `rosenpass gen-keys` to generate a "
                       "new keypair.");
  test::write_bytes(d / "pk", 100);
  EXPECT_EQ(msg(), "could not load public-key file \"" + d / "pk" + "\": invalid key");
  test::write_bytes(d / "pk", 524160);
  EXPECT_NE(msg().find("could not find secret-key file"), std::string::npos);
  test::write_bytes(d / "sk", 13607);
  EXPECT_EQ(msg(), "could not load secret-key file \"" + d / "sk" + "\": invalid key");
  test::write_bytes(d / "sk", 13568);  // v0.2.x layout: accepted with a warning
  msg();
  EXPECT_EQ(warnings.size(), 1u);
  // From here on a real key pair: the public key must belong to the secret key.
  test::write_real_keypair(0, d / "pk", d / "sk");
  EXPECT_EQ(msg(), "OK");
  PeerConfig p;
  p.public_key = d / "peer.pk";
  c.peers.push_back(p);
  EXPECT_EQ(msg(), "peer 0 public-key file \"" + d / "peer.pk" + "\" does not exist");
  test::write_bytes(d / "peer.pk", 524161);
  EXPECT_EQ(msg(), "peer 0 public-key file \"" + d / "peer.pk" + "\" is invalid");
  test::write_real_keypair(1, d / "peer.pk", d / "peer.sk");
  c.peers[0].endpoint = "no-such-host.invalid:9999";
  EXPECT_EQ(msg(),
            "peer 0 endpoint no-such-host.invalid:9999 can not be parsed to a socket address");
  c.peers[0].endpoint = "127.0.0.1:9999";
  EXPECT_EQ(msg(), "peer 0 has neither `key_out` nor valid wireguard config defined");
  c.peers[0].key_out = d / "out";
  c.peers[0].osk_organization = "org";
  EXPECT_NE(msg().find("Specified osk_organization but not osk_label"), std::string::npos);
  c.peers[0].osk_label = std::vector<std::string>{"l"};
  EXPECT_EQ(msg(), "OK");
}

}  // namespace
}  // namespace rosenpass::daemon
