// The option parser behind the `rosenpass` grammar (cli.cpp), shared with the control-API
// client commands (api_cli.cpp). Private to rp_daemon.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rosenpass/base/result.h"
#include "rosenpass/daemon/cli.h"

namespace rosenpass::daemon::cli_detail {

// One option of a (sub)command.
struct OptionSpec {
  char short_name;  // 0 if none
  std::string_view long_name;
  bool takes_value;
  std::function<base::Status(const std::string&)> apply;  // an error becomes a usage error
  std::string_view display;  // for messages, e.g. "--log-level <LOG_LEVEL>"
};

// clap's usage-error text with exit code 2.
CliExit usage_error(const std::string& message, std::string_view usage);

// Parses the words of one command level. Positional words go to `positional`. Parsing stops
// at the first positional if `stop_at_positional` (the top level stops at the subcommand).
// Returns the index where parsing stopped, or a usage error; `help` is set by -h/--help.
std::variant<std::size_t, CliExit> parse_options(std::span<const std::string> args,
                                                 std::vector<OptionSpec>& specs,
                                                 std::vector<std::string>& positional,
                                                 bool stop_at_positional, std::string_view usage,
                                                 bool& help);

}  // namespace rosenpass::daemon::cli_detail

namespace rosenpass::daemon {

// `status`, `add-peer`, `update-peer`, `remove-peer` (api_cli.cpp); nullopt for other words.
std::optional<std::variant<ApiClientCommand, CliExit>> parse_api_client_command(
    const std::string& subcommand, std::span<const std::string> args);
// Their help text for `rosenpass help <word>`; nullopt for other words.
std::optional<std::string> api_client_help(const std::string& subcommand);

}  // namespace rosenpass::daemon
