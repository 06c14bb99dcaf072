#include "rosenpass/rp/exchange.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "rosenpass/base/process.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/kem/mceliece460896.h"
#include "rosenpass/rp/keys.h"
#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/link.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::rp {
namespace fs = std::filesystem;
namespace wg = rosenpass::wireguard;
namespace mce = kem::mceliece460896;

namespace {

volatile sig_atomic_t g_signal = 0;
void on_signal(int sig) {
  g_signal = sig;
}

std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string abs_path(const fs::path& p) {
  return fs::absolute(p).lexically_normal().string();
}

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// Runs a program and waits; returns its exit status, or an error if it could not be started
// whose message is the bare reason ("No such file or directory" when it is not on PATH, …).
base::Result<int> run_program(const std::vector<std::string>& argv) {
  auto pid = base::spawn(argv);
  if (!pid) {
    return base::make_error(pid.error().causes.empty() ? pid.error().message
                                                       : pid.error().causes.back());
  }
  auto status = base::wait(*pid);
  if (!status) return base::make_error(status.error().chain());
  return status->shell_code();
}

// The interface we made, and the wireguard-go we started for it; undone on destruction.
class Interface {
 public:
  Interface(std::string name, std::function<void(const std::string&)> warn)
      : name_(std::move(name)), warn_(std::move(warn)) {}
  ~Interface() { remove(); }
  Interface(const Interface&) = delete;
  Interface& operator=(const Interface&) = delete;

  // Kernel link if possible, else wireguard-go.
  base::Status create(const std::string& wireguard_go, bool quiet_child,
                      const std::function<void(const std::string&)>& info) {
    auto made = wg::create_wireguard_link(name_);
    if (made) {
      created_ = true;
      info("Created network device!");
      return base::Ok{};
    }
    if (made.error().kind != wg::LinkError::kNotSupported)
      return base::make_error(made.error().message);
    info("The kernel has no WireGuard; starting " + wireguard_go + " for " + name_);
    const std::string prefix = "could not create WireGuard device " + rp::quoted(fs::path(name_)) +
                               ": the kernel has no WireGuard and ";
    base::SpawnOptions quiet;
    base::UniqueFd null;
    if (quiet_child) {
      null = base::UniqueFd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
      if (null.valid()) quiet.fds = {{null.get(), 1}, {null.get(), 2}};
    }
    const std::vector<std::string> argv{wireguard_go, "-f", name_};
    auto pid = base::spawn(argv, quiet);
    if (!pid) {
      const auto& e = pid.error();
      return base::make_error(prefix + wireguard_go + " could not be started: " +
                              (e.causes.empty() ? e.message : e.causes.back()));
    }
    wggo_ = *pid;
    created_ = true;
    // Wait for its configuration socket (and so its TUN device).
    for (int i = 0; i < 200; ++i) {
      if (wg::uapi_socket_available(wg::kDefaultUapiSocketDir, name_)) return base::Ok{};
      if (auto status = base::try_wait(wggo_)) {
        wggo_ = -1;
        return base::make_error(prefix + wireguard_go + " " + status->describe() +
                                (quiet_child ? " (run rp verbose to see its messages)" : ""));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return base::make_error("timed out waiting for " + wireguard_go + " to create " +
                            rp::quoted(fs::path(name_)));
  }

  void remove() {
    if (!created_) return;
    created_ = false;
    if (auto st = wg::delete_link(name_); !st && st.error().kind != wg::LinkError::kNoSuchDevice) {
      warn_("could not delete device " + name_ + ": " + st.error().message);
    }
    if (wggo_ > 0) {
      base::stop(wggo_, SIGTERM, std::chrono::seconds(2));
      wggo_ = -1;
      std::error_code ec;
      fs::remove(fs::path(wg::kDefaultUapiSocketDir) / (name_ + ".sock"), ec);
    }
  }

 private:
  std::string name_;
  std::function<void(const std::string&)> warn_;
  bool created_ = false;
  pid_t wggo_ = -1;
};

struct LoadedPeer {
  wg::WgPublicKey wgpk{};
  std::string wgpk_base64;
};

// The file must be readable by us (rosenpass runs as the same user) and have one of `sizes`.
base::Status check_size(const fs::path& p, std::initializer_list<uintmax_t> sizes,
                        const char* what) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return base::make_error(std::string(e == ENOENT ? "could not find " : "could not read ") +
                            what + " " + quoted(p) + ": " + std::strerror(e));
  }
  struct stat st {};
  bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) {
    return base::make_error(std::string("could not read ") + what + " " + quoted(p) +
                            ": not a regular file");
  }
  for (auto s : sizes) {
    if (static_cast<uintmax_t>(st.st_size) == s) return base::Ok{};
  }
  return base::make_error(std::string(what) + " " + quoted(p) + " has the wrong size");
}

}  // namespace

fs::path find_rosenpass_program() {
  if (const char* env = std::getenv("RP_ROSENPASS"); env && *env) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto candidate : {self.parent_path() / "rosenpass",
                           self.parent_path().parent_path() / "rosenpass" / "rosenpass"}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "rosenpass";
}

std::string rosenpass_config_for(const ExchangeOptions& options, const std::string& device,
                                 const std::vector<std::string>& wg_peers) {
  fs::path priv = options.private_keys_dir;
  std::string out;
  out += "public_key = " + toml_quote(abs_path(priv / "pqpk")) + "\n";
  out += "secret_key = " + toml_quote(abs_path(priv / "pqsk")) + "\n";
  out += "listen = [";
  if (options.listen) out += toml_quote(*options.listen);
  out += "]\n";
  out += std::string("verbosity = ") + (options.verbose ? "\"Verbose\"" : "\"Quiet\"") + "\n";
  for (std::size_t i = 0; i < options.peers.size(); ++i) {
    const ExchangePeer& p = options.peers[i];
    fs::path dir = p.public_keys_dir;
    out += "\n[[peers]]\n";
    out += "public_key = " + toml_quote(abs_path(dir / "pqpk")) + "\n";
    if (p.endpoint) out += "endpoint = " + toml_quote(*p.endpoint) + "\n";
    std::error_code ec;
    if (fs::exists(dir / "psk", ec))
      out += "pre_shared_key = " + toml_quote(abs_path(dir / "psk")) + "\n";
    out += "device = " + toml_quote(device) + "\n";
    out += "peer = " + toml_quote(wg_peers.at(i)) + "\n";
    out += "extra_params = [";
    std::vector<std::string> extra;
    if (p.endpoint) {
      if (auto wg_endpoint = with_port_plus_one(*p.endpoint)) {
        extra.insert(extra.end(), {"endpoint", *wg_endpoint});
      }
    }
    if (p.persistent_keepalive)
      extra.insert(extra.end(), {"persistent-keepalive", std::to_string(*p.persistent_keepalive)});
    if (p.allowed_ips) extra.insert(extra.end(), {"allowed-ips", *p.allowed_ips});
    for (std::size_t k = 0; k < extra.size(); ++k) out += (k ? ", " : "") + toml_quote(extra[k]);
    out += "]\n";
    if (p.protocol_version) out += "protocol_version = " + toml_quote(*p.protocol_version) + "\n";
    if (p.rehandshake) out += "rehandshake = true\n";
  }
  return out;
}

int run_exchange(const ExchangeOptions& options, const ExchangeEnvironment& env) {
  auto fail = [&](const std::string& msg) {
    env.error(msg);
    return 1;
  };
  // 1. Everything is loaded and checked before the system is touched.
  fs::path priv = options.private_keys_dir;
  auto wgsk_text = read_small_file(priv / "wgsk", 53);
  if (!wgsk_text) {
    return fail("could not read WireGuard secret key " + quoted(priv / "wgsk") + ": " +
                wgsk_text.error().message);
  }
  auto wgsk = wg::wg_secret_key_from_base64(*wgsk_text);
  crypto::wipe(*wgsk_text);
  if (!wgsk) return fail("invalid WireGuard secret key in " + quoted(priv / "wgsk"));
  if (auto st = check_size(priv / "pqsk", {mce::kSecretKeySize, mce::kLegacySecretKeySize},
                           "Rosenpass secret key");
      !st)
    return fail(st.error().message);
  if (auto st = check_size(priv / "pqpk", {mce::kPublicKeySize}, "Rosenpass public key"); !st)
    return fail(st.error().message);
  std::vector<LoadedPeer> peers;
  for (const auto& p : options.peers) {
    fs::path dir = p.public_keys_dir;
    auto text = read_small_file(dir / "wgpk", 53);
    if (!text) {
      return fail("could not read WireGuard public key " + quoted(dir / "wgpk") + ": " +
                  text.error().message);
    }
    auto key = wg::wg_public_key_from_base64(*text);
    if (!key) return fail("invalid WireGuard public key in " + quoted(dir / "wgpk"));
    if (auto st = check_size(dir / "pqpk", {mce::kPublicKeySize}, "Rosenpass public key"); !st)
      return fail(st.error().message);
    peers.push_back({*key, wg::wg_key_to_base64(*key)});
  }
  std::string dev = options.dev.value_or("rosenpass0");
  if (!options.dev && dev.empty()) dev = "rosenpass0";
  if (wg::link_exists(dev) || wg::uapi_socket_available(wg::kDefaultUapiSocketDir, dev)) {
    return fail("device " + rp::quoted(fs::path(dev)) + " already exists");
  }

  // Signals end the exchange; they are handled from here on so the interface is removed.
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGQUIT, &sa, nullptr);

  // 2. The interface.
  Interface iface(dev, env.error);
  if (auto st = iface.create(env.wireguard_go, !options.verbose, env.info); !st)
    return fail(st.error().message);
  if (auto st = wg::set_link_up(dev); !st) return fail(st.error().message);

  // 3. Private key, listen port (Rosenpass port + 1), and every peer with a random PSK, so
  // nothing passes the tunnel before Rosenpass supplies a key.
  auto backend = wg::make_auto_backend();
  wg::DeviceConfig cfg;
  cfg.private_key = std::move(*wgsk);
  if (options.listen) {
    auto port = port_of(*options.listen);
    if (port && *port < 65535) cfg.listen_port = static_cast<uint16_t>(*port + 1);
  }
  for (std::size_t i = 0; i < options.peers.size(); ++i) {
    const ExchangePeer& p = options.peers[i];
    wg::PeerConfig peer;
    peer.public_key = peers[i].wgpk;
    peer.preshared_key = wg::WgSecretKey::random(crypto::system_random());
    std::vector<std::string> words;
    if (p.endpoint) {
      if (auto ep = with_port_plus_one(*p.endpoint)) words.insert(words.end(), {"endpoint", *ep});
    }
    if (p.persistent_keepalive)
      words.insert(words.end(), {"persistent-keepalive", std::to_string(*p.persistent_keepalive)});
    if (p.allowed_ips) words.insert(words.end(), {"allowed-ips", *p.allowed_ips});
    if (auto st = wg::apply_wg_set_params(words, peer); !st) return fail(st.error().message);
    cfg.peers.push_back(std::move(peer));
  }
  if (auto st = backend->set_device(dev, cfg); !st) return fail(st.error().message);

  // 4. Address and routes with `ip` (its exit status is ignored, as in the reference).
  if (options.ip) {
    if (auto ran = run_program({"ip", "address", "add", *options.ip, "dev", dev}); !ran)
      return fail("could not run ip: " + ran.error().message);
  }
  for (const auto& p : options.peers) {
    if (!p.allowed_ips) continue;
    // One route per entry: the reference passes the whole list and `ip` rejects commas.
    for (const auto& net : split_commas(*p.allowed_ips)) {
      if (auto ran = run_program({"ip", "route", "replace", net, "dev", dev}); !ran)
        return fail("could not run ip: " + ran.error().message);
    }
  }

  // 5. rosenpass, with a configuration in a private directory.
  char tmpl[] = "/tmp/rp-exchange-XXXXXX";
  if (!::mkdtemp(tmpl)) return fail(std::string("mkdtemp: ") + std::strerror(errno));
  fs::path tmpdir = tmpl;
  struct TmpGuard {
    fs::path p;
    ~TmpGuard() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } tmp_guard{tmpdir};
  std::vector<std::string> wg_peers;
  for (auto& p : peers) wg_peers.push_back(p.wgpk_base64);
  fs::path config_path = tmpdir / "rosenpass.toml";
  {
    std::ofstream f(config_path);
    f << rosenpass_config_for(options, dev, wg_peers);
    if (!f) return fail("could not write " + quoted(config_path) + ": " + std::strerror(errno));
  }

  env.info("Starting to perform rosenpass key exchanges!");
  const std::vector<std::string> argv{env.rosenpass_program.string(), "exchange-config",
                                      config_path.string()};
  auto child = base::spawn(argv);
  if (!child) return fail(child.error().message + ": " + child.error().causes.back());
  std::optional<base::ExitStatus> status;
  while (!status && !g_signal) {
    status = base::try_wait(*child);
    if (!status) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!status) {
    base::stop(*child, SIGTERM, std::chrono::seconds(5));
    iface.remove();
    return 0;  // a signal is a normal end
  }
  iface.remove();
  if (status->success()) return 0;
  return fail("rosenpass exited with " + (status->exited()
                                              ? "status " + std::to_string(status->code)
                                              : "signal " + std::to_string(status->signal)));
}

}  // namespace rosenpass::rp
