#include "rosenpass/daemon/cli.h"

#include "cli_options.h"

#include <charconv>
#include <functional>
#include <string_view>

#include "rosenpass/version.h"

namespace rosenpass::daemon {

// `rosenpass <version>` exactly, as clap prints it: scripts split the line at the space. The
// version is this project's (project() in CMakeLists.txt, via rosenpass/version.h), the same
// the packages and librosenpass carry.

namespace {

constexpr std::string_view kTopUsage = "rosenpass [OPTIONS] [COMMAND]";

const char* const kTopHelp = R"(Build post-quantum-secure VPNs with WireGuard!

Usage: rosenpass [OPTIONS] [COMMAND]

Commands:
  exchange-config  Start Rosenpass key exchanges based on a configuration file
  exchange         Start Rosenpass key exchanges based on command line arguments
  gen-config       Generate a demo config file for Rosenpass
  gen-keys         Generate a keypair to use in the exchange command later
  validate         Validate a configuration
  status           Show a running daemon's peers (control API)
  add-peer         Add a peer to a running daemon (control API)
  update-peer      Change a running daemon's peer: endpoint, pre-shared key (control API)
  remove-peer      Remove a peer from a running daemon (control API)
  help             Print this message or the help of the given subcommand(s)

Options:
      --log-level <LOG_LEVEL>      Set the log level (off, error, warn, info, debug, trace)
  -v, --verbose                    Log level info
  -q, --quiet                      Log level warn
      --psk-broker-path <PATH>     Deliver WireGuard PSKs through a broker on this unix socket
      --psk-broker-fd <FD>         Deliver WireGuard PSKs through this inherited broker socket
  -p, --psk-broker-spawn           Spawn rosenpass-wireguard-broker-socket-handler as broker
      --user <USER>                Run as USER after set-up when started as root
      --generate-manpage <DIR>     Write man pages into DIR
      --print-completions <SHELL>  Print a completion script (bash, elvish, fish, powershell, zsh)
  -h, --help                       Print help
  -V, --version                    Print version

Without a log option the RUST_LOG environment variable applies; by default only errors
are shown. All logging goes to stderr; stdout carries only the lines
  output-key peer <PEER-ID> key-file "<PATH>" exchanged|stale

Protocol versions (`protocol_version` in a [[peers]] table of the configuration):
  "V02"     current wire, BLAKE2b keyed hash (the reference's default)
  "V03"     current wire, SHAKE256 keyed hash
  "V02-pc"  the wire of rosenpass v0.2.x and go-rosenpass (McEliece with plaintext
            confirmation)
  "auto"    the default when absent: answer any of the three; when initiating, try each
            in turn and keep the one that works. Peers given to `exchange` use "auto".

Compatibility with rosenpass v0.2.3 (accepted, with a warning where main would refuse):
  secret-key files of 13568 bytes (converted on load; gen-keys writes 13608 bytes),
  the `exchange_command` peer key written by its gen-config and `exchange -c`,
  PSK files with trailing whitespace after the key, and the `man` subcommand.
  Its validation let peers without `key_out` or `device`/`peer` start; that is refused
  here with a message naming the peer, as the current reference does.
)";

const char* const kExchangeHelp = R"(Start Rosenpass key exchanges based on command line arguments

Usage: rosenpass exchange [OPTIONS] <OWN_CONFIG> [PEERS]...

Arguments:
  <OWN_CONFIG>  public-key <PATH> secret-key <PATH> [listen <ADDR>:<PORT>]... [verbose]
  [PEERS]...    peer public-key <PATH> [ENDPOINT] [PSK] [OUTFILE] [WG]
                ENDPOINT := endpoint <HOST/IP>:<PORT>
                PSK := preshared-key <PATH>
                OUTFILE := outfile <PATH>
                WG := wireguard <WIREGUARD_DEV> <WIREGUARD_PEER> [WIREGUARD_EXTRA_ARGS]...

Options:
  -c, --config-file <FILE>  Save the parsed configuration to FILE before starting
  -h, --help                Print help
)";

const char* const kExchangeConfigHelp =
    R"(Start Rosenpass key exchanges based on a configuration file

Peers with an endpoint are initiated, the others are only answered.

Usage: rosenpass exchange-config <CONFIG_FILE>

Options:
  -h, --help  Print help
)";

const char* const kGenConfigHelp = R"(Generate a demo config file for Rosenpass with one peer

Usage: rosenpass gen-config [OPTIONS] <CONFIG_FILE>

Options:
  -f, --force  Overwrite an existing file
  -h, --help   Print help
)";

const char* const kGenKeysHelp =
    R"(Generate a secret & public keypair (from a config file's paths or the flags)

Usage: rosenpass gen-keys [OPTIONS] [CONFIG_FILE]

Options:
  -p, --public-key <PATH>  Where to write the public key
  -s, --secret-key <PATH>  Where to write the secret key
  -f, --force              Overwrite existing key files
  -h, --help               Print help
)";

const char* const kValidateHelp = R"(Validate configuration files: schema, key files and endpoints

Usage: rosenpass validate [CONFIG_FILES]...

Options:
  -h, --help  Print help
)";

}  // namespace

namespace cli_detail {

CliExit usage_error(const std::string& message, std::string_view usage) {
  return {2, "",
          "error: " + message + "\n\nUsage: " + std::string(usage) +
              "\n\nFor more information, try '--help'.\n"};
}

// Parses the words of one command level. Positional words go to `positional`. Parsing stops
// at the first positional if `stop_at_positional` (the top level stops at the subcommand).
// Returns the index where parsing stopped, or a usage error.
std::variant<std::size_t, CliExit> parse_options(std::span<const std::string> args,
                                                 std::vector<OptionSpec>& specs,
                                                 std::vector<std::string>& positional,
                                                 bool stop_at_positional, std::string_view usage,
                                                 bool& help) {
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      if (stop_at_positional) return i;
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      help = true;
      return args.size();
    }
    OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      for (auto& s : specs) {
        if (s.long_name == name) spec = &s;
      }
    } else {
      for (auto& s : specs) {
        if (s.short_name == a[1]) spec = &s;
      }
      if (spec && a.size() > 2) {
        if (!spec->takes_value) {
          // Bundled short flags such as -fv are not used by anyone; keep the grammar small.
          return usage_error("unexpected argument '" + a + "' found", usage);
        }
        inline_value = a.substr(2);
      }
    }
    if (!spec) return usage_error("unexpected argument '" + a + "' found", usage);
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return usage_error(
            "a value is required for '" + std::string(spec->display) + "' but none was supplied",
            usage);
      }
    } else if (inline_value) {
      return usage_error("unexpected value '" + *inline_value + "' for '" +
                             std::string(spec->display) + "' found; no more were expected",
                         usage);
    }
    if (auto st = spec->apply(value); !st) return usage_error(st.error().message, usage);
  }
  return args.size();
}

}  // namespace cli_detail

namespace {

using namespace cli_detail;

std::optional<int> parse_fd(const std::string& s) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::string top_level_help() {
  return kTopHelp;
}

std::variant<Invocation, CliExit> parse_command_line(std::span<const std::string> args) {
  if (args.empty()) return CliExit{2, "", kTopHelp};
  Invocation inv;
  GlobalOptions& g = inv.global;
  std::string level_source;  // which option set the level, for the conflict message
  auto set_level = [&](std::string_view name, LogLevel l) -> base::Status {
    if (!level_source.empty() && level_source != name) {
      return base::make_error("the argument '" + std::string(name) + "' cannot be used with '" +
                              level_source + "'");
    }
    level_source = name;
    g.log_level = l;
    return base::Ok{};
  };
  int broker_options = 0;
  auto broker = [&](std::string_view name) -> base::Status {
    if (++broker_options > 1) {
      return base::make_error("the argument '" + std::string(name) +
                              "' cannot be used with another --psk-broker option");
    }
    return base::Ok{};
  };
  bool want_version = false;
  std::vector<OptionSpec> top = {
      {0, "log-level", true,
       [&](const std::string& v) -> base::Status {
         auto l = parse_log_level(v);
         if (!l) {
           return base::make_error(
               "invalid value '" + v +
               "' for '--log-level <LOG_LEVEL>'\n  [possible values: off, error, warn, info, "
               "debug, trace]");
         }
         return set_level("--log-level <LOG_LEVEL>", *l);
       },
       "--log-level <LOG_LEVEL>"},
      {'v', "verbose", false, [&](auto&) { return set_level("--verbose", LogLevel::kInfo); },
       "--verbose"},
      {'q', "quiet", false, [&](auto&) { return set_level("--quiet", LogLevel::kWarn); },
       "--quiet"},
      {0, "api-listen-path", true,
       [&](const std::string& v) -> base::Status {
         g.api_listen_path.push_back(v);
         return base::Ok{};
       },
       "--api-listen-path <PATH>"},
      {0, "api-listen-fd", true,
       [&](const std::string& v) -> base::Status {
         auto fd = parse_fd(v);
         if (!fd) return base::make_error("invalid value '" + v + "' for '--api-listen-fd <FD>'");
         g.api_listen_fd.push_back(*fd);
         return base::Ok{};
       },
       "--api-listen-fd <FD>"},
      {0, "api-stream-fd", true,
       [&](const std::string& v) -> base::Status {
         auto fd = parse_fd(v);
         if (!fd) return base::make_error("invalid value '" + v + "' for '--api-stream-fd <FD>'");
         g.api_stream_fd.push_back(*fd);
         return base::Ok{};
       },
       "--api-stream-fd <FD>"},
      {0, "psk-broker-path", true,
       [&](const std::string& v) {
         g.psk_broker_path = v;
         return broker("--psk-broker-path <PATH>");
       },
       "--psk-broker-path <PATH>"},
      // The seed documentation spells it --psk-broker; accepted as a hidden alias.
      {0, "psk-broker", true,
       [&](const std::string& v) {
         g.psk_broker_path = v;
         return broker("--psk-broker-path <PATH>");
       },
       "--psk-broker-path <PATH>"},
      {0, "psk-broker-fd", true,
       [&](const std::string& v) -> base::Status {
         auto fd = parse_fd(v);
         if (!fd) return base::make_error("invalid value '" + v + "' for '--psk-broker-fd <FD>'");
         g.psk_broker_fd = *fd;
         return broker("--psk-broker-fd <FD>");
       },
       "--psk-broker-fd <FD>"},
      {'p', "psk-broker-spawn", false,
       [&](auto&) {
         g.psk_broker_spawn = true;
         return broker("--psk-broker-spawn");
       },
       "--psk-broker-spawn"},
      {0, "user", true,
       [&](const std::string& v) -> base::Status {
         g.user = v;
         return base::Ok{};
       },
       "--user <USER>"},
      {0, "generate-manpage", true,
       [&](const std::string& v) -> base::Status {
         g.generate_manpage = v;
         return base::Ok{};
       },
       "--generate-manpage <DIR>"},
      {0, "print-completions", true,
       [&](const std::string& v) -> base::Status {
         static const char* kShells[] = {"bash", "elvish", "fish", "powershell", "zsh"};
         for (auto* s : kShells) {
           if (v == s) {
             g.print_completions = v;
             return base::Ok{};
           }
         }
         return base::make_error(
             "invalid value '" + v +
             "' for '--print-completions <SHELL>'\n  [possible values: bash, elvish, fish, "
             "powershell, zsh]");
       },
       "--print-completions <SHELL>"},
      {'V', "version", false,
       [&](auto&) -> base::Status {
         want_version = true;
         return base::Ok{};
       },
       "--version"},
  };
  std::vector<std::string> none;
  bool help = false;
  auto r = parse_options(args, top, none, true, kTopUsage, help);
  if (auto* e = std::get_if<CliExit>(&r)) return *e;
  if (help) return CliExit{0, kTopHelp, ""};
  // Exactly `rosenpass <version>` (parity item 2): scripts parse it.
  if (want_version) return CliExit{0, std::string("rosenpass ") + kVersion + "\n", ""};
  std::size_t i = std::get<std::size_t>(r);
  if (i >= args.size()) {
    inv.command = NoCommand{};
    return inv;
  }
  const std::string& sub = args[i];
  auto rest = args.subspan(i + 1);
  std::vector<std::string> pos;

  auto sub_help = [&](const char* text) { return CliExit{0, text, ""}; };

  if (sub == "help") {
    if (rest.empty()) return CliExit{0, kTopHelp, ""};
    const std::string& w = rest[0];
    if (w == "exchange") return sub_help(kExchangeHelp);
    if (w == "exchange-config") return sub_help(kExchangeConfigHelp);
    if (w == "gen-config") return sub_help(kGenConfigHelp);
    if (w == "gen-keys") return sub_help(kGenKeysHelp);
    if (w == "validate") return sub_help(kValidateHelp);
    if (auto text = api_client_help(w)) return CliExit{0, *text, ""};
    if (w == "help") return CliExit{0, kTopHelp, ""};
    return usage_error("unrecognized subcommand '" + w + "'", "rosenpass help [COMMAND]...");
  }
  if (sub == "exchange-config") {
    std::vector<OptionSpec> specs;
    constexpr std::string_view u = "rosenpass exchange-config <CONFIG_FILE>";
    auto r2 = parse_options(rest, specs, pos, false, u, help);
    if (auto* e = std::get_if<CliExit>(&r2)) return *e;
    if (help) return sub_help(kExchangeConfigHelp);
    if (pos.empty()) {
      return usage_error("the following required arguments were not provided:\n  <CONFIG_FILE>", u);
    }
    if (pos.size() > 1) return usage_error("unexpected argument '" + pos[1] + "' found", u);
    inv.command = ExchangeConfigCommand{pos[0]};
    return inv;
  }
  if (sub == "exchange") {
    ExchangeCommand cmd;
    std::vector<OptionSpec> specs = {{'c', "config-file", true,
                                      [&](const std::string& v) -> base::Status {
                                        cmd.config_out = v;
                                        return base::Ok{};
                                      },
                                      "--config-file <CONFIG_FILE>"}};
    constexpr std::string_view u = "rosenpass exchange [OPTIONS] <OWN_CONFIG> [PEERS]...";
    auto r2 = parse_options(rest, specs, cmd.words, false, u, help);
    if (auto* e = std::get_if<CliExit>(&r2)) return *e;
    if (help) return sub_help(kExchangeHelp);
    if (cmd.words.empty()) {
      return usage_error("the following required arguments were not provided:\n  <OWN_CONFIG>", u);
    }
    inv.command = std::move(cmd);
    return inv;
  }
  if (sub == "gen-config") {
    GenConfigCommand cmd;
    std::vector<OptionSpec> specs = {{'f', "force", false,
                                      [&](auto&) -> base::Status {
                                        cmd.force = true;
                                        return base::Ok{};
                                      },
                                      "--force"}};
    constexpr std::string_view u = "rosenpass gen-config [OPTIONS] <CONFIG_FILE>";
    auto r2 = parse_options(rest, specs, pos, false, u, help);
    if (auto* e = std::get_if<CliExit>(&r2)) return *e;
    if (help) return sub_help(kGenConfigHelp);
    if (pos.empty()) {
      return usage_error("the following required arguments were not provided:\n  <CONFIG_FILE>", u);
    }
    if (pos.size() > 1) return usage_error("unexpected argument '" + pos[1] + "' found", u);
    cmd.config_file = pos[0];
    inv.command = cmd;
    return inv;
  }
  if (sub == "gen-keys") {
    GenKeysCommand cmd;
    std::vector<OptionSpec> specs = {{'p', "public-key", true,
                                      [&](const std::string& v) -> base::Status {
                                        cmd.public_key = v;
                                        return base::Ok{};
                                      },
                                      "--public-key <PUBLIC_KEY>"},
                                     {'s', "secret-key", true,
                                      [&](const std::string& v) -> base::Status {
                                        cmd.secret_key = v;
                                        return base::Ok{};
                                      },
                                      "--secret-key <SECRET_KEY>"},
                                     {'f', "force", false,
                                      [&](auto&) -> base::Status {
                                        cmd.force = true;
                                        return base::Ok{};
                                      },
                                      "--force"}};
    constexpr std::string_view u = "rosenpass gen-keys [OPTIONS] [CONFIG_FILE]";
    auto r2 = parse_options(rest, specs, pos, false, u, help);
    if (auto* e = std::get_if<CliExit>(&r2)) return *e;
    if (help) return sub_help(kGenKeysHelp);
    if (pos.size() > 1) return usage_error("unexpected argument '" + pos[1] + "' found", u);
    if (!pos.empty()) cmd.config_file = pos[0];
    inv.command = cmd;
    return inv;
  }
  if (sub == "validate") {
    std::vector<OptionSpec> specs;
    constexpr std::string_view u = "rosenpass validate [CONFIG_FILES]...";
    auto r2 = parse_options(rest, specs, pos, false, u, help);
    if (auto* e = std::get_if<CliExit>(&r2)) return *e;
    if (help) return sub_help(kValidateHelp);
    inv.command = ValidateCommand{pos};
    return inv;
  }
  if (sub == "keygen") {
    if (rest.empty()) {
      return usage_error("the following required arguments were not provided:\n  <ARGS>...",
                         "rosenpass keygen <ARGS>...");
    }
    inv.command = KeygenCommand{{rest.begin(), rest.end()}};
    return inv;
  }
  if (sub == "man") {
    inv.command = ManCommand{};
    return inv;
  }
  if (auto api = parse_api_client_command(sub, rest)) {  // status, add-peer, ... (api_cli.cpp)
    if (auto* e = std::get_if<CliExit>(&*api)) return *e;
    inv.command = std::move(std::get<ApiClientCommand>(*api));
    return inv;
  }
  return usage_error("unrecognized subcommand '" + sub + "'", kTopUsage);
}

}  // namespace rosenpass::daemon
