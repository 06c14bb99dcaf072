#include "rosenpass/daemon/cli.h"

#include <gtest/gtest.h>

#include <regex>

namespace rosenpass::daemon {
namespace {

std::variant<Invocation, CliExit> parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

CliExit exit_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  EXPECT_TRUE(std::holds_alternative<CliExit>(r));
  return std::holds_alternative<CliExit>(r) ? std::get<CliExit>(r) : CliExit{-1, "", ""};
}

Invocation inv_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  EXPECT_TRUE(std::holds_alternative<Invocation>(r))
      << (std::holds_alternative<CliExit>(r) ? std::get<CliExit>(r).err : "");
  return std::holds_alternative<Invocation>(r) ? std::get<Invocation>(r) : Invocation{};
}

TEST(Cli, NoArgumentsPrintsHelpOnStderrExit2) {
  auto e = exit_of({});
  EXPECT_EQ(e.code, 2);
  EXPECT_TRUE(e.out.empty());
  EXPECT_NE(e.err.find("Usage: rosenpass"), std::string::npos);
}

TEST(Cli, HelpAndVersionOnStdout) {
  auto h = exit_of({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("exchange-config"), std::string::npos);
  // protocol_version values and the v0.2.3 notes are documented in --help.
  for (const char* s : {"\"V02\"", "\"V03\"", "\"V02-pc\"", "\"auto\"", "v0.2.3", "13568"}) {
    EXPECT_NE(h.out.find(s), std::string::npos) << s;
  }
  // Exactly `rosenpass <version>`, as the reference's scripts parse it (§1.1, parity 2).
  for (const char* flag : {"-V", "--version"}) {
    auto v = exit_of({flag});
    EXPECT_EQ(v.code, 0);
    EXPECT_TRUE(std::regex_match(v.out, std::regex("rosenpass [0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?\n")))
        << v.out;
    EXPECT_EQ(v.err, "");
  }
  EXPECT_EQ(exit_of({"help", "exchange"}).out.find("PSK := preshared-key") != std::string::npos,
            true);
}

TEST(Cli, GlobalOptionsOnlyBeforeSubcommand) {
  EXPECT_EQ(inv_of({"-v", "exchange-config", "x.toml"}).global.log_level, LogLevel::kInfo);
  EXPECT_EQ(inv_of({"-q", "validate"}).global.log_level, LogLevel::kWarn);
  EXPECT_EQ(inv_of({"--log-level", "DEBUG", "validate"}).global.log_level, LogLevel::kDebug);
  EXPECT_EQ(inv_of({"--log-level=trace", "validate"}).global.log_level, LogLevel::kTrace);
  EXPECT_EQ(exit_of({"exchange-config", "x.toml", "-v"}).code, 2);
  EXPECT_EQ(exit_of({"-v", "-q", "validate"}).code, 2);
  EXPECT_EQ(exit_of({"--log-level", "loud", "validate"}).code, 2);
  EXPECT_EQ(exit_of({"--frobnicate"}).code, 2);
  EXPECT_TRUE(std::holds_alternative<NoCommand>(inv_of({"-v"}).command));
}

TEST(Cli, Subcommands) {
  auto gk =
      std::get<GenKeysCommand>(inv_of({"gen-keys", "--public-key=pk", "-s", "sk", "-f"}).command);
  EXPECT_EQ(gk.public_key, "pk");
  EXPECT_EQ(gk.secret_key, "sk");
  EXPECT_TRUE(gk.force);
  EXPECT_FALSE(gk.config_file);
  EXPECT_EQ(std::get<GenKeysCommand>(inv_of({"gen-keys", "c.toml"}).command).config_file, "c.toml");
  EXPECT_EQ(std::get<ValidateCommand>(inv_of({"validate", "a", "b"}).command).config_files.size(),
            2u);
  EXPECT_TRUE(std::get<GenConfigCommand>(inv_of({"gen-config", "-f", "x"}).command).force);
  EXPECT_EQ(exit_of({"gen-config"}).code, 2);
  EXPECT_EQ(exit_of({"exchange-config"}).code, 2);
  EXPECT_EQ(exit_of({"exchange"}).code, 2);
  EXPECT_EQ(exit_of({"frob"}).code, 2);
  EXPECT_TRUE(std::holds_alternative<ManCommand>(inv_of({"man"}).command));
  EXPECT_TRUE(std::holds_alternative<KeygenCommand>(inv_of({"keygen", "a", "b"}).command));
}

TEST(Cli, ExchangeWordsAndConfigOption) {
  auto ex = std::get<ExchangeCommand>(
      inv_of({"exchange", "public-key", "pk", "-c", "out.toml", "secret-key", "sk"}).command);
  EXPECT_EQ(ex.config_out, "out.toml");
  EXPECT_EQ(ex.words, (std::vector<std::string>{"public-key", "pk", "secret-key", "sk"}));
  EXPECT_EQ(exit_of({"exchange", "public-key", "-x"}).code, 2);
  EXPECT_EQ(exit_of({"exchange", "--help"}).code, 0);
  // `--` ends option parsing: later words starting with '-' are grammar words.
  auto ex2 = std::get<ExchangeCommand>(inv_of({"exchange", "--", "public-key", "-pk"}).command);
  EXPECT_EQ(ex2.words.back(), "-pk");
}

TEST(Cli, RustLogFilter) {
  EXPECT_EQ(level_from_rust_log("info"), LogLevel::kInfo);
  EXPECT_EQ(level_from_rust_log("warn,rosenpass=debug"), LogLevel::kDebug);
  EXPECT_EQ(level_from_rust_log("other=trace"), LogLevel::kError);
  EXPECT_EQ(level_from_rust_log("rosenpass::app_server=trace,info"), LogLevel::kTrace);
  EXPECT_EQ(level_from_rust_log(""), LogLevel::kError);
  EXPECT_EQ(level_from_rust_log("off"), LogLevel::kOff);
}

TEST(Cli, PskBrokerOptionsAreExclusive) {
  EXPECT_EQ(inv_of({"--psk-broker", "b.sock", "validate"}).global.psk_broker_path, "b.sock");
  EXPECT_EQ(exit_of({"--psk-broker-path", "a", "-p", "validate"}).code, 2);
}

}  // namespace
}  // namespace rosenpass::daemon
