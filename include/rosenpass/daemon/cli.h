// The `rosenpass` command-line grammar (application.md §1): global options before the
// subcommand, clap-style options, usage errors with exit code 2.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "rosenpass/daemon/api_cli.h"
#include "rosenpass/daemon/logging.h"

namespace rosenpass::daemon {

struct GlobalOptions {
  std::optional<LogLevel> log_level;  // from --log-level, -v or -q
  std::vector<std::string> api_listen_path;
  std::vector<int> api_listen_fd;
  std::vector<int> api_stream_fd;
  std::optional<std::string> psk_broker_path;
  std::optional<int> psk_broker_fd;
  bool psk_broker_spawn = false;
  std::optional<std::string> user;  // --user: run as this user after set-up (overrides `user`)
  std::optional<std::string> generate_manpage;
  std::optional<std::string> print_completions;
};

struct ExchangeConfigCommand {
  std::string config_file;
};
struct ExchangeCommand {
  std::vector<std::string> words;
  std::optional<std::string> config_out;  // -c/--config-file
};
struct GenConfigCommand {
  std::string config_file;
  bool force = false;
};
struct GenKeysCommand {
  std::optional<std::string> config_file;
  std::optional<std::string> public_key;
  std::optional<std::string> secret_key;
  bool force = false;
};
struct ValidateCommand {
  std::vector<std::string> config_files;
};
struct KeygenCommand {  // hidden, deprecated
  std::vector<std::string> words;
};
struct ManCommand {};  // hidden, from v0.2.3
struct NoCommand {};   // only global options: nothing to do

using Command = std::variant<NoCommand, ExchangeConfigCommand, ExchangeCommand, GenConfigCommand,
                             GenKeysCommand, ValidateCommand, KeygenCommand, ManCommand,
                             ApiClientCommand>;

struct Invocation {
  GlobalOptions global;
  Command command;
};

// Help, version or a usage error: print `out`/`err` and exit with `code`.
struct CliExit {
  int code = 0;
  std::string out;
  std::string err;
};

// `args` excludes the program name.
std::variant<Invocation, CliExit> parse_command_line(std::span<const std::string> args);

extern const char* const kVersionString;  // "rosenpass <version>"
std::string top_level_help();

}  // namespace rosenpass::daemon
