#include "rosenpass/rp/cli.h"

#include <arpa/inet.h>

#include <charconv>

#include "rosenpass/base/host_port.h"

namespace rosenpass::rp {
namespace {

template <typename T>
std::optional<T> parse_number(const std::string& s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "host:port" or "[v6]:port"; rp wants no bare IPv6 (an unbracketed host without ':').
std::optional<base::HostPort> split_host_port(const std::string& text) {
  auto hp = base::parse_host_port(text);
  if (!hp || (!hp->bracketed && hp->host.find(':') != std::string::npos)) return std::nullopt;
  return std::move(*hp);
}

bool valid_host_name(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
      return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> parse_listen_address(const std::string& text, bool allow_bare_port) {
  if (allow_bare_port && parse_number<uint16_t>(text)) return "[::]:" + text;
  auto hp = split_host_port(text);
  if (!hp || !base::ip_literal(*hp)) return std::nullopt;
  return text;
}

std::optional<std::string> parse_endpoint_word(const std::string& text) {
  if (parse_listen_address(text, false)) return text;
  auto hp = split_host_port(text);
  if (!hp || hp->bracketed || !valid_host_name(hp->host)) return std::nullopt;
  return text;
}

std::optional<uint16_t> port_of(const std::string& address) {
  auto hp = split_host_port(address);
  if (!hp) return std::nullopt;
  return hp->port;
}

std::optional<std::string> with_port_plus_one(const std::string& address) {
  auto port = port_of(address);
  if (!port || *port == 65535) return std::nullopt;
  auto colon = address.rfind(':');
  return address.substr(0, colon + 1) + std::to_string(*port + 1);
}

std::variant<CommandLine, UsageError> parse_command_line(std::span<const std::string> args) {
  CommandLine cl;
  std::optional<Command> command;
  bool help = false;
  bool version = false;
  auto set_command = [&](Command c) -> std::optional<UsageError> {
    if (command) return UsageError{"Too many commands supplied", kGeneralUsage};
    command = c;
    return std::nullopt;
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    if (w == "verbose") {
      cl.verbose = true;
    } else if (w == "explain") {
      cl.explain = true;
    } else if (w == "help" || w == "-h" || w == "-help" || w == "--help") {
      help = true;
    } else if (w == "-V" || w == "--version") {
      version = true;
    } else if (w == "genkey") {
      if (auto e = set_command(Command::kGenkey)) return *e;
      if (i + 1 >= args.size())
        return UsageError{"Required positional argument: PRIVATE_KEYS_DIR", kGenkeyUsage};
      cl.private_keys_dir = args[++i];
    } else if (w == "pubkey") {
      if (auto e = set_command(Command::kPubkey)) return *e;
      if (i + 1 >= args.size())
        return UsageError{"Required positional argument: PRIVATE_KEYS_DIR", kPubkeyUsage};
      cl.private_keys_dir = args[++i];
      if (i + 1 >= args.size())
        return UsageError{"Required positional argument: PUBLIC_KEYS_DIR", kPubkeyUsage};
      cl.public_keys_dir = args[++i];
    } else if (w == "exchange-config") {
      if (auto e = set_command(Command::kExchangeConfig)) return *e;
      if (i + 1 >= args.size())
        return UsageError{"Required position argument: CONFIG_FILE", kExchangeConfigUsage};
      cl.config_file = args[++i];
    } else if (w == "exchange") {
      if (auto e = set_command(Command::kExchange)) return *e;
      // exchange consumes every remaining word.
      if (i + 1 >= args.size())
        return UsageError{"Required positional argument: PRIVATE_KEYS_DIR", kExchangeUsage};
      ExchangeOptions& ex = cl.exchange;
      ex.private_keys_dir = args[++i];
      auto value = [&](const char* what) -> std::optional<std::string> {
        if (i + 1 >= args.size()) return std::nullopt;
        (void)what;
        return args[++i];
      };
      for (++i; i < args.size(); ++i) {
        const std::string& o = args[i];
        bool in_peer = !ex.peers.empty();
        if (o == "peer") {
          auto dir = value("peer");
          if (!dir)
            return UsageError{"Required positional argument: PUBLIC_KEYS_DIR", kExchangeUsage};
          ex.peers.push_back(ExchangePeer{*dir, {}, {}, {}, {}, false});
        } else if (!in_peer && o == "dev") {
          auto v = value("dev");
          if (!v) return UsageError{"dev option requires parameter", kExchangeUsage};
          ex.dev = *v;
        } else if (!in_peer && o == "ip") {
          auto v = value("ip");
          if (!v) return UsageError{"ip option requires parameter", kExchangeUsage};
          ex.ip = *v;
        } else if (!in_peer && o == "listen") {
          auto v = value("listen");
          if (!v) return UsageError{"listen option requires parameter", kExchangeUsage};
          auto addr = parse_listen_address(*v, true);
          if (!addr) return UsageError{"invalid parameter for listen option", kExchangeUsage};
          ex.listen = *addr;
        } else if (in_peer && o == "endpoint") {
          auto v = value("endpoint");
          if (!v) return UsageError{"endpoint option requires parameter", kExchangeUsage};
          auto ep = parse_endpoint_word(*v);
          if (!ep) return UsageError{"invalid parameter for endpoint option", kExchangeUsage};
          ex.peers.back().endpoint = *ep;
        } else if (in_peer && o == "persistent-keepalive") {
          auto v = value("persistent-keepalive");
          if (!v)
            return UsageError{"persistent-keepalive option requires parameter", kExchangeUsage};
          auto n = parse_number<uint32_t>(*v);
          if (!n)
            return UsageError{"invalid parameter for persistent-keepalive option", kExchangeUsage};
          ex.peers.back().persistent_keepalive = *n;
        } else if (in_peer && o == "rehandshake") {
          ex.peers.back().rehandshake = true;
        } else if (in_peer && o == "allowed-ips") {
          auto v = value("allowed-ips");
          if (!v) return UsageError{"allowed-ips option requires parameter", kExchangeUsage};
          ex.peers.back().allowed_ips = *v;
        } else {
          return UsageError{"Unknown option " + o, kExchangeUsage};
        }
      }
    } else {
      return UsageError{"Unknown command " + w, kGeneralUsage};
    }
  }
  if (help || version) {
    cl.command = help ? Command::kHelp : Command::kVersion;
    return cl;
  }
  if (!command) return UsageError{"No command supplied", kGeneralUsage};
  cl.command = *command;
  cl.exchange.verbose = cl.exchange.verbose || cl.verbose;
  return cl;
}

}  // namespace rosenpass::rp
