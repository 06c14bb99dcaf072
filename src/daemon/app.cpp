#include "rosenpass/daemon/app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "rosenpass/base/io.h"
#include "rosenpass/base/process.h"
#include "rosenpass/daemon/config_safety.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/docs_output.h"
#include "rosenpass/daemon/exchange_grammar.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/daemon/logging.h"
#include "rosenpass/daemon/validate.h"
#include "rosenpass/hardening/sandbox.h"

namespace rosenpass::daemon {
namespace {

namespace mce = kem::mceliece460896;
constexpr std::string_view kNoHome = "config file contains \"~\" but can not determine";

void write_all(int fd, std::string_view s) {
  (void)base::write_all(fd, std::span(s.data(), s.size()));  // stdout/stderr: nowhere to report
}

int fail(const Error& e) {
  log_error(e.chain());
  return 1;
}

void log_warnings(const std::vector<std::string>& w) {
  for (const auto& m : w) log_warn(m);
}

bool path_exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string canonical(const std::string& p) {
  std::error_code ec;
  auto c = std::filesystem::canonical(p, ec);
  return ec ? p : c.string();
}

Status write_keypair(const Services& s, const std::string& pk_path, const std::string& sk_path) {
  if (!s.generate_keypair) return make_error("key generation is not available in this build");
  auto pk = std::make_unique<mce::PublicKey>();
  mce::SecretKey sk;
  s.generate_keypair(*pk, sk);
  // Secret key first and 0600; the public key is world-readable like the reference's.
  if (auto st = write_file_atomic(sk_path, sk.reveal(), 0600); !st) return st;
  return write_file_atomic(pk_path, *pk, 0666);
}

int gen_keys(const GenKeysCommand& cmd, const Services& s) {
  std::string pk, sk;
  if (cmd.config_file) {
    if (!path_exists(*cmd.config_file)) {
      return fail(make_error("config file " + debug_quote(*cmd.config_file) + " does not exist"));
    }
    auto cfg = load_config_file(*cmd.config_file, home_directory());
    if (!cfg) return fail(cfg.error());
    if (!cfg->keypair) return fail(make_error("Config file present, but no keypair is specified."));
    pk = cfg->keypair->public_key;
    sk = cfg->keypair->secret_key;
  } else if (cmd.public_key && cmd.secret_key) {
    pk = *cmd.public_key;
    sk = *cmd.secret_key;
  } else {
    return fail(
        make_error("either a config-file or both public-key and secret-key file are required"));
  }
  if (!cmd.force) {
    std::vector<std::string> problems;
    if (is_regular_file(pk)) {
      problems.push_back("public-key file " + debug_quote(canonical(pk)) +
                         " exists, refusing to overwrite");
    }
    if (is_regular_file(sk)) {
      problems.push_back("secret-key file " + debug_quote(canonical(sk)) +
                         " exists, refusing to overwrite");
    }
    if (!problems.empty()) {
      std::string joined;
      for (const auto& p : problems) joined += (joined.empty() ? "" : "\n") + p;
      return fail(make_error(joined));
    }
  }
  if (auto st = write_keypair(s, pk, sk); !st) return fail(st.error());
  return 0;
}

int keygen(const KeygenCommand& cmd, const Services& s) {
  log_warn("`rosenpass keygen` is deprecated; use `rosenpass gen-keys` instead");
  std::optional<std::string> pk, sk;
  const auto& w = cmd.words;
  for (std::size_t i = 0; i < w.size(); i += 2) {
    if (i + 1 >= w.size()) return fail(make_error("Unknown option `" + w[i] + "`"));
    if (w[i] == "public-key") {
      pk = w[i + 1];
    } else if (w[i] == "private-key" || w[i] == "secret-key") {
      sk = w[i + 1];
    } else {
      return fail(make_error("Unknown option `" + w[i] + "`"));
    }
  }
  if (!sk) return fail(make_error("private-key is required"));
  if (!pk) return fail(make_error("public-key is required"));
  if (auto st = write_keypair(s, *pk, *sk); !st) return fail(st.error());
  return 0;
}

int gen_config(const GenConfigCommand& cmd) {
  if (!cmd.force && path_exists(cmd.config_file)) {
    return fail(make_error("config file " + debug_quote(cmd.config_file) + " already exists"));
  }
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(kGenConfigTemplate.data()),
                         kGenConfigTemplate.size());
  if (auto st = write_file_atomic(cmd.config_file, bytes, 0666); !st) return fail(st.error());
  return 0;
}

// `rp` key directories named where a key file is expected (the NixOS tutorial does this).
Status use_key_directories(Config& cfg) {
  std::vector<std::string> notes;
  auto st = resolve_key_directories(cfg, notes);
  for (const auto& n : notes) log_info(n);
  return st;
}

// With `user`/--user the key_out files are written as that user: check them as it (and that
// it exists) before starting, not at the first key. `source` names where the user came from
// (--user or the config file's `user`). `always`: check as the user even when not root (for
// `validate`, which judges the config as the daemon started as root will run it).
Status check_as_service_user(const Config& cfg, const std::string& source, bool always = false) {
  auto user = hardening::lookup_user(*cfg.user);
  if (!user) return make_error(source + ": " + user.error().message);
  if (::geteuid() != 0 && !always) {
    log_info("not started as root: `user` " + debug_quote(*cfg.user) + " is not switched to");
    return ok_status();
  }
  const auto& u = *user;
  std::vector<std::string> repeated;  // the same findings as the first check's
  return check_config_safety(cfg, repeated, WriterIdentity{u.uid, u.gid, u.groups});
}

std::string user_source(const std::string& config_file) {
  return "`user` in config file " + debug_quote(config_file);
}

int validate(const ValidateCommand& cmd) {
  auto home = home_directory();
  for (const auto& f : cmd.config_files) {
    const std::string p = debug_quote(f);
    auto cfg = load_config_file(f, home);
    if (!cfg) {
      if (cfg.error().message.rfind(kNoHome, 0) == 0) return fail(cfg.error());
      write_all(2, p + " is not valid: " + cfg.error().chain() + "\n");
      continue;
    }
    write_all(2, p + " is valid TOML and conforms to the expected schema\n");
    std::vector<std::string> warnings = cfg->warnings;
    auto st = use_key_directories(*cfg);
    if (st) st = validate_config(*cfg, warnings);
    // The daemon checks key files and key_out as the service user: so does validate.
    if (st && cfg->user) st = check_as_service_user(*cfg, user_source(f), true);
    // Findings are validate's output: shown at every log level (a peer with our own public
    // key is only a warning here, as the reference's validate accepts it; the daemon refuses it).
    for (const auto& w : warnings) write_all(2, p + " warning: " + w + "\n");
    if (st) {
      write_all(2, p + " has passed all logical checks\n");
    } else {
      write_all(2, p + " contains logical errors: '" + st.error().message + "'\n");
    }
  }
  return 0;
}

// Shared tail of exchange and exchange-config: validation, API merge, usefulness, start.
// `config_file`: the file the config came from (exchange-config), named in every refusal.
int start_daemon(Config cfg, const GlobalOptions& g, const Services& s,
                 const std::optional<std::string>& config_file = std::nullopt) {
  std::vector<std::string> warnings = cfg.warnings;
  auto st = use_key_directories(cfg);
  // Each public key is mapped once, here; the daemon runs on these mappings, and the own-key
  // refusal compares them in memory instead of reading every file again.
  MappedPublicKeys mapped;
  if (st) st = validate_config(cfg, warnings, &mapped);
  if (st) st = refuse_peer_with_own_key(cfg, &mapped);
  if (st && mapped.peers.size() == cfg.peers.size()) {
    for (std::size_t i = 0; i < cfg.peers.size(); ++i) {
      cfg.peers[i].mapped_public_key = std::move(mapped.peers[i]);
    }
  }
  std::string source = config_file ? user_source(*config_file) : "`user`";
  if (st && g.user) {
    cfg.user = g.user;
    source = "--user";
  }
  if (st && cfg.user) st = check_as_service_user(cfg, source);
  log_warnings(warnings);
  cfg.warnings.clear();
  if (!st) {
    if (!config_file) return fail(st.error());
    Error e = st.error();
    e.message = "config file " + debug_quote(*config_file) + ": " + e.message;
    return fail(e);
  }
  cfg.api.listen_path.insert(cfg.api.listen_path.end(), g.api_listen_path.begin(),
                             g.api_listen_path.end());
  cfg.api.listen_fd.insert(cfg.api.listen_fd.end(), g.api_listen_fd.begin(), g.api_listen_fd.end());
  cfg.api.stream_fd.insert(cfg.api.stream_fd.end(), g.api_stream_fd.begin(), g.api_stream_fd.end());
  if (!cfg.keypair && cfg.api.empty()) {
    return fail(make_error(
        "Server keypair missing. Specify a server keypair or some API connections to configure "
        "the keypair with. Without a keypair, rosenpass can not operate."));
  }
  if (!s.run_daemon) return fail(make_error("the daemon is not available in this build"));
  return s.run_daemon(std::move(cfg), g);
}

int exchange_config(const ExchangeConfigCommand& cmd, const GlobalOptions& g, const Services& s) {
  if (!path_exists(cmd.config_file)) {
    return fail(make_error("config file '" + debug_quote(cmd.config_file) + "' does not exist"));
  }
  auto cfg = load_config_file(cmd.config_file, home_directory());
  if (!cfg) {
    // The "~" message names the file itself and keeps the reference's wording.
    if (cfg.error().message.rfind(kNoHome, 0) == 0) return fail(cfg.error());
    return fail(cfg.error().context("could not load config file " +
                                    debug_quote(cmd.config_file)));
  }
  return start_daemon(std::move(*cfg), g, s, cmd.config_file);
}

int exchange(const ExchangeCommand& cmd, const GlobalOptions& g, const Services& s) {
  auto cfg = parse_exchange_words(cmd.words);
  if (!cfg) return fail(cfg.error());
  if (cmd.config_out) {
    std::string text = serialize_config(*cfg);
    auto st = write_file_atomic(
        *cmd.config_out, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
        0666);
    if (!st) return fail(st.error());
  }
  return start_daemon(std::move(*cfg), g, s);
}

int man_page() {
  // v0.2.3 ran `man 1 rosenpass`; fall back to the built-in help text.
  base::UniqueFd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  base::SpawnOptions quiet;
  if (null.valid()) quiet.fds = {{null.get(), 2}};
  const std::vector<std::string> man{"man", "1", "rosenpass"};
  if (auto pid = base::spawn(man, quiet)) {
    if (auto st = base::wait(*pid); st && st->success()) return 0;
  }
  write_all(1, top_level_help());
  return 0;
}

}  // namespace

int run_rosenpass(std::span<const std::string> args, const Services& services) {
  auto parsed = parse_command_line(args);
  if (auto* e = std::get_if<CliExit>(&parsed)) {
    write_all(1, e->out);
    write_all(2, e->err);
    return e->code;
  }
  auto& inv = std::get<Invocation>(parsed);
  // Handled before logging and before any subcommand, which is then not run (§11).
  if (inv.global.print_completions) {
    write_all(1, completion_script(*inv.global.print_completions).value_or(""));
    return 0;
  }
  if (inv.global.generate_manpage) {
    if (auto st = write_man_pages(*inv.global.generate_manpage); !st) {
      write_all(2, st.error().chain() + "\n");
      return 1;
    }
    return 0;
  }
  if (inv.global.log_level) {
    set_log_level(*inv.global.log_level);
  } else if (const char* env = std::getenv("RUST_LOG")) {
    set_log_level(level_from_rust_log(env));
  } else {
    set_log_level(LogLevel::kError);
  }
  return std::visit(
      [&](auto& cmd) -> int {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, NoCommand>) {
          return 0;
        } else if constexpr (std::is_same_v<T, ExchangeConfigCommand>) {
          return exchange_config(cmd, inv.global, services);
        } else if constexpr (std::is_same_v<T, ExchangeCommand>) {
          return exchange(cmd, inv.global, services);
        } else if constexpr (std::is_same_v<T, GenConfigCommand>) {
          return gen_config(cmd);
        } else if constexpr (std::is_same_v<T, GenKeysCommand>) {
          return gen_keys(cmd, services);
        } else if constexpr (std::is_same_v<T, ValidateCommand>) {
          return validate(cmd);
        } else if constexpr (std::is_same_v<T, KeygenCommand>) {
          return keygen(cmd, services);
        } else if constexpr (std::is_same_v<T, ApiClientCommand>) {
          return run_api_client_command(cmd);
        } else {
          return man_page();
        }
      },
      inv.command);
}

}  // namespace rosenpass::daemon
