#include "rosenpass/rp/config.h"

#include <gtest/gtest.h>

namespace rosenpass::rp {
namespace {

TEST(RpConfig, ShippedExampleParses) {
  auto r = parse_exchange_config(R"(dev = "rp-example"
ip = "fc00::1/64"
listen = "[::]:51821"
private_keys_dir = "/run/credentials/rp@example.service"
verbose = true

[[peers]]
public_keys_dir = "/etc/rosenpass/example/peers/client"
allowed_ips = "fc00::2"
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto& ex = *r;
  EXPECT_TRUE(ex.verbose);
  EXPECT_EQ(ex.dev, "rp-example");
  EXPECT_EQ(ex.ip, "fc00::1/64");
  EXPECT_EQ(ex.listen, "[::]:51821");
  EXPECT_EQ(ex.private_keys_dir, "/run/credentials/rp@example.service");
  ASSERT_EQ(ex.peers.size(), 1u);
  EXPECT_EQ(ex.peers[0].allowed_ips, "fc00::2");
}

TEST(RpConfig, PeerFields) {
  auto r = parse_exchange_config(R"(verbose = false
private_keys_dir = "k"
[[peers]]
public_keys_dir = "a"
endpoint = "192.0.2.1:9999"
persistent_keepalive = 25
protocol_version = "V03"
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto& p = r->peers.at(0);
  EXPECT_EQ(p.endpoint, "192.0.2.1:9999");
  EXPECT_EQ(p.persistent_keepalive, 25u);
  EXPECT_EQ(p.protocol_version, "V03");
}

TEST(RpConfig, Errors) {
  auto err = [](const char* text) {
    auto r = parse_exchange_config(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(err("private_keys_dir = \"k\"\npeers = []").find("verbose"), std::string::npos);
  EXPECT_NE(err("verbose = true\npeers = []").find("private_keys_dir"), std::string::npos);
  EXPECT_NE(err("verbose = true\nprivate_keys_dir = \"k\"").find("peers"), std::string::npos);
  EXPECT_NE(err("verbose = true\nprivate_keys_dir = \"k\"\npeers = []\nfrob = 1").find("frob"),
            std::string::npos);
  EXPECT_NE(err("verbose = 1\nprivate_keys_dir = \"k\"\npeers = []").find("verbose"),
            std::string::npos);
  EXPECT_NE(err("verbose = true\nprivate_keys_dir = \"k\"\n[[peers]]\npublic_keys_dir = \"a\"\n"
                "protocol_version = \"V04\"")
                .find("protocol_version"),
            std::string::npos);
  EXPECT_NE(err("verbose = true\nprivate_keys_dir = \"k\"\n[[peers]]\nendpoint = \"1.2.3.4:5\"")
                .find("public_keys_dir"),
            std::string::npos);
  EXPECT_NE(
      err("verbose = true\nprivate_keys_dir = \"k\"\nlisten = \"nope\"\npeers = []").find("listen"),
      std::string::npos);
  EXPECT_NE(err("not toml [").find("cannot parse config"), std::string::npos);
  // An empty peer list is allowed.
  EXPECT_TRUE(parse_exchange_config("verbose = true\nprivate_keys_dir = \"k\"\npeers = []").ok());
}

}  // namespace
}  // namespace rosenpass::rp

namespace rosenpass::rp {
namespace {

// Issue 18 item 2: the `rp` config is bounded like the daemon's before the TOML library
// (which recursed once per component and overflowed the stack) sees it.
TEST(RpConfig, DeepDottedKeyIsRefusedNotACrash) {
  std::string key = "a";
  for (int i = 1; i < 50000; ++i) key += ".a";
  for (const std::string& text : {"[" + key + "]\n", key + " = 1\n"}) {
    auto r = parse_exchange_config("verbose = true\nprivate_keys_dir = \"/k\"\n" + text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message,
              "cannot parse config: line 3: a dotted key or table header has more than 32 "
              "components");
  }
  auto r = parse_exchange_config("x = " + std::string(50000, '[') + "\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nested more than 32 deep"), std::string::npos);
}

}  // namespace
}  // namespace rosenpass::rp
