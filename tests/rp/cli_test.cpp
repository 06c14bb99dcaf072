// rp's command line: the reference's notes and usage lines (application.md §6.1), plus the
// v0.2.3 superset (§12.5).
#include "rosenpass/rp/cli.h"

#include <gtest/gtest.h>

namespace rosenpass::rp {
namespace {

std::variant<CommandLine, UsageError> parse(std::vector<std::string> words) {
  return parse_command_line(words);
}

UsageError error_of(std::vector<std::string> words) {
  auto r = parse(std::move(words));
  EXPECT_TRUE(std::holds_alternative<UsageError>(r));
  return std::holds_alternative<UsageError>(r) ? std::get<UsageError>(r) : UsageError{};
}

CommandLine ok(std::vector<std::string> words) {
  auto r = parse(std::move(words));
  EXPECT_TRUE(std::holds_alternative<CommandLine>(r))
      << (std::holds_alternative<UsageError>(r) ? std::get<UsageError>(r).note : "");
  return std::holds_alternative<CommandLine>(r) ? std::get<CommandLine>(r) : CommandLine{};
}

TEST(RpCli, Notes) {
  EXPECT_EQ(error_of({}).note, "No command supplied");
  EXPECT_EQ(error_of({}).usage, kGeneralUsage);
  EXPECT_EQ(error_of({"frob"}).note, "Unknown command frob");
  EXPECT_EQ(error_of({"genkey", "a", "genkey", "b"}).note, "Too many commands supplied");
  EXPECT_EQ(error_of({"genkey"}).note, "Required positional argument: PRIVATE_KEYS_DIR");
  EXPECT_EQ(error_of({"genkey"}).usage, kGenkeyUsage);
  EXPECT_EQ(error_of({"pubkey", "a"}).note, "Required positional argument: PUBLIC_KEYS_DIR");
  EXPECT_EQ(error_of({"pubkey", "a"}).usage, kPubkeyUsage);
  EXPECT_EQ(error_of({"exchange-config"}).note, "Required position argument: CONFIG_FILE");
  EXPECT_EQ(error_of({"exchange-config"}).usage, kExchangeConfigUsage);
  EXPECT_EQ(error_of({"exchange"}).usage, kExchangeUsage);
  EXPECT_EQ(error_of({"exchange", "k", "dev"}).note, "dev option requires parameter");
  EXPECT_EQ(error_of({"exchange", "k", "ip"}).note, "ip option requires parameter");
  EXPECT_EQ(error_of({"exchange", "k", "listen"}).note, "listen option requires parameter");
  EXPECT_EQ(error_of({"exchange", "k", "listen", "nohost:1"}).note,
            "invalid parameter for listen option");
  EXPECT_EQ(error_of({"exchange", "k", "peer", "p", "endpoint"}).note,
            "endpoint option requires parameter");
  EXPECT_EQ(error_of({"exchange", "k", "peer", "p", "endpoint", "1.2.3.4"}).note,
            "invalid parameter for endpoint option");
  EXPECT_EQ(error_of({"exchange", "k", "peer", "p", "persistent-keepalive"}).note,
            "persistent-keepalive option requires parameter");
  EXPECT_EQ(error_of({"exchange", "k", "peer", "p", "persistent-keepalive", "-1"}).note,
            "invalid parameter for persistent-keepalive option");
  EXPECT_EQ(error_of({"exchange", "k", "peer", "p", "allowed-ips"}).note,
            "allowed-ips option requires parameter");
  EXPECT_EQ(error_of({"exchange", "k", "frob"}).note, "Unknown option frob");
  // Top-level options after a peer are unknown there.
  EXPECT_EQ(error_of({"exchange", "k", "peer", "p", "dev", "x"}).note, "Unknown option dev");
  EXPECT_EQ(error_of({"exchange", "k", "endpoint", "1.2.3.4:5"}).note, "Unknown option endpoint");
}

TEST(RpCli, HelpWinsAndVerboseAnywhereBeforeExchange) {
  EXPECT_EQ(ok({"help"}).command, Command::kHelp);
  EXPECT_EQ(ok({"genkey", "x", "help"}).command, Command::kHelp);
  EXPECT_EQ(ok({"--help"}).command, Command::kHelp);  // v0.2.3
  EXPECT_EQ(ok({"--version"}).command, Command::kVersion);
  EXPECT_EQ(ok({"genkey", "x", "-V"}).command, Command::kVersion);
  EXPECT_EQ(ok({"--version", "help"}).command, Command::kHelp);
  auto g = ok({"verbose", "genkey", "d"});
  EXPECT_EQ(g.command, Command::kGenkey);
  EXPECT_TRUE(g.verbose);
  EXPECT_EQ(g.private_keys_dir, "d");
  EXPECT_TRUE(ok({"pubkey", "a", "b", "verbose"}).verbose);
  EXPECT_TRUE(ok({"explain", "genkey", "d"}).explain);
  auto c = ok({"exchange-config", "f.toml"});
  EXPECT_EQ(c.command, Command::kExchangeConfig);
  EXPECT_EQ(c.config_file, "f.toml");
}

TEST(RpCli, ExchangeGrammar) {
  auto c = ok({"verbose",
               "exchange",
               "sk",
               "dev",
               "rp0",
               "ip",
               "10.0.0.1/24",
               "listen",
               "192.168.0.1:9999",
               "dev",
               "rp1",
               "peer",
               "a",
               "endpoint",
               "[fd00::1]:9999",
               "persistent-keepalive",
               "25",
               "allowed-ips",
               "10.0.0.0/24,fd00::/64",
               "peer",
               "b",
               "endpoint",
               "server.example:9999"});
  EXPECT_EQ(c.command, Command::kExchange);
  const auto& ex = c.exchange;
  EXPECT_TRUE(ex.verbose);
  EXPECT_EQ(ex.private_keys_dir, "sk");
  EXPECT_EQ(ex.dev, "rp1");  // last wins
  EXPECT_EQ(ex.ip, "10.0.0.1/24");
  EXPECT_EQ(ex.listen, "192.168.0.1:9999");
  ASSERT_EQ(ex.peers.size(), 2u);
  EXPECT_EQ(ex.peers[0].public_keys_dir, "a");
  EXPECT_EQ(ex.peers[0].endpoint, "[fd00::1]:9999");
  EXPECT_EQ(ex.peers[0].persistent_keepalive, 25u);
  EXPECT_EQ(ex.peers[0].allowed_ips, "10.0.0.0/24,fd00::/64");
  EXPECT_EQ(ex.peers[1].endpoint, "server.example:9999");  // host names: v0.2.3 superset
  EXPECT_FALSE(ex.peers[1].persistent_keepalive);
  // v0.2.3's bare listen port.
  EXPECT_EQ(ok({"exchange", "sk", "listen", "51820"}).exchange.listen, "[::]:51820");
  EXPECT_EQ(ok({"exchange", "sk", "listen", "[::1]:7"}).exchange.listen, "[::1]:7");
}

// `rehandshake` after a peer (#14 item 7): a flag for that peer only; not before any peer.
TEST(RpCli, RehandshakeFlag) {
  auto c = ok({"exchange", "sk", "peer", "a", "rehandshake", "peer", "b"});
  ASSERT_EQ(c.exchange.peers.size(), 2u);
  EXPECT_TRUE(c.exchange.peers[0].rehandshake);
  EXPECT_FALSE(c.exchange.peers[1].rehandshake);
  EXPECT_EQ(error_of({"exchange", "sk", "rehandshake"}).note, "Unknown option rehandshake");
}

TEST(RpCli, Addresses) {
  EXPECT_FALSE(parse_listen_address("localhost:5", false));
  EXPECT_FALSE(parse_listen_address("1.2.3.4:70000", false));
  EXPECT_FALSE(parse_listen_address("::1:5", false));
  EXPECT_TRUE(parse_listen_address("[fe80::1%2]:5", false));
  EXPECT_FALSE(parse_listen_address("5", false));
  EXPECT_EQ(with_port_plus_one("1.2.3.4:9999"), "1.2.3.4:10000");
  EXPECT_EQ(with_port_plus_one("[::1]:9999"), "[::1]:10000");
  EXPECT_EQ(with_port_plus_one("host.example:1"), "host.example:2");
  EXPECT_FALSE(with_port_plus_one("1.2.3.4:65535"));
  EXPECT_FALSE(parse_endpoint_word("bad host:5"));
}

}  // namespace
}  // namespace rosenpass::rp
