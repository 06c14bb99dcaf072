// The control-API client commands' grammar: `status`, `add-peer`, `update-peer`, `remove-peer`.
#include <gtest/gtest.h>

#include "rosenpass/daemon/cli.h"

namespace rosenpass::daemon {
namespace {

std::variant<Invocation, CliExit> parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

ApiClientCommand command(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  if (auto* e = std::get_if<CliExit>(&r)) ADD_FAILURE() << e->err;
  return std::get<ApiClientCommand>(std::get<Invocation>(r).command);
}

int usage_code(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  auto* e = std::get_if<CliExit>(&r);
  return e ? e->code : -1;
}

TEST(ApiCli, StatusOptionsAndSocketPath) {
  auto c = command({"status", "--json", "-s", "/tmp/x.sock"});
  EXPECT_EQ(c.kind, ApiClientCommand::Kind::kStatus);
  EXPECT_TRUE(c.json);
  EXPECT_EQ(api_socket_path(c), "/tmp/x.sock");
  c = command({"status", "-i", "wg0"});
  EXPECT_EQ(api_socket_path(c), "/run/rosenpass/wg0/api.sock");
  EXPECT_EQ(usage_code({"status", "-s", "a", "-i", "b"}), 2);
  EXPECT_EQ(usage_code({"status", "extra"}), 2);
  auto h = parse({"status", "--help"});
  EXPECT_EQ(std::get<CliExit>(h).code, 0);
  EXPECT_NE(std::get<CliExit>(h).out.find("--json"), std::string::npos);
  EXPECT_NE(std::get<CliExit>(parse({"help", "add-peer"})).out.find("--public-key"),
            std::string::npos);
  EXPECT_NE(std::get<CliExit>(parse({"--help"})).out.find("  status "), std::string::npos);
}

TEST(ApiCli, AddPeerNeedsAPublicKeyAndConsistentOptions) {
  auto c = command({"add-peer",
                    "--public-key",
                    "pk",
                    "--endpoint",
                    "127.0.0.1:1",
                    "--key-out",
                    "k",
                    "--protocol-version",
                    "V03",
                    "--osk-organization",
                    "o",
                    "--osk-label",
                    "a",
                    "--osk-label",
                    "b",
                    "--wireguard-device",
                    "wg0",
                    "--wireguard-peer",
                    "P",
                    "--wireguard-extra-param",
                    "persistent-keepalive",
                    "--wireguard-extra-param",
                    "25"});
  EXPECT_EQ(c.kind, ApiClientCommand::Kind::kAddPeer);
  EXPECT_EQ(c.public_key, "pk");
  EXPECT_EQ(c.osk_labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.wireguard_extra_params.size(), 2u);
  EXPECT_EQ(usage_code({"add-peer"}), 2);
  EXPECT_EQ(usage_code({"add-peer", "--public-key", "pk", "--protocol-version", "V04"}), 2);
  EXPECT_EQ(usage_code({"add-peer", "--public-key", "pk", "--wireguard-device", "wg0"}), 2);
  EXPECT_EQ(usage_code({"add-peer", "--public-key", "pk", "--osk-label", "x"}), 2);
}

TEST(ApiCli, UpdateAndRemoveTakeAPeerId) {
  auto c = command({"remove-peer", "AAAA"});
  EXPECT_EQ(c.kind, ApiClientCommand::Kind::kRemovePeer);
  EXPECT_EQ(c.peer_id, "AAAA");
  EXPECT_EQ(usage_code({"remove-peer"}), 2);
  c = command({"update-peer", "X", "--no-endpoint", "--preshared-key", "p"});
  EXPECT_TRUE(c.no_endpoint);
  EXPECT_EQ(c.preshared_key, "p");
  EXPECT_EQ(usage_code({"update-peer", "X", "--endpoint", "1.2.3.4:5", "--no-endpoint"}), 2);
  EXPECT_EQ(usage_code({"update-peer", "X", "--preshared-key", "p", "--no-preshared-key"}), 2);
}

}  // namespace
}  // namespace rosenpass::daemon
