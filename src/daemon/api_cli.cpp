#include "rosenpass/daemon/api_cli.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli_options.h"
#include "rosenpass/api/client.h"
#include "rosenpass/api/status_format.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/logging.h"
#include "rosenpass/daemon/socket_address.h"

namespace rosenpass::daemon {
namespace {

using namespace cli_detail;
using Kind = ApiClientCommand::Kind;

// The options every client subcommand shares, aligned with the subcommand's own column.
std::string socket_options(std::size_t column) {
  auto line = [column](std::string flags, const char* text) {
    flags.resize(std::max(column, flags.size() + 2), ' ');
    return flags + text + "\n";
  };
  return line("  -s, --socket <PATH>", "The daemon's API socket ([api] listen_path)") +
         line("  -i, --interface <NAME>",
              "The socket of service instance NAME: /run/rosenpass/NAME/api.sock") +
         line("  -h, --help", "Print help") +
         "\nWithout -s or -i: /run/rosenpass/api.sock, else the only /run/rosenpass/*/api.sock.\n";
}

std::string help_for(Kind k) {
  switch (k) {
    case Kind::kStatus:
      return std::string(
                 R"(Show a running daemon's peers: endpoint, protocol, key age, next rekey, counts

Usage: rosenpass status [OPTIONS]

Options:
      --json                JSON instead of text
)") + socket_options(28);
    case Kind::kAddPeer:
      return std::string(R"(Add a peer to a running daemon; prints its peer id

Usage: rosenpass add-peer [OPTIONS] --public-key <PATH>

Options:
      --public-key <PATH>             The peer's public-key file (required)
      --endpoint <HOST:PORT>          Where to reach the peer (resolved here, once)
      --preshared-key <PATH>          A pre-shared key file (base64)
      --key-out <PATH>                Write each exchanged key to this file
      --wireguard-device <DEV>        Install each key as PSK of WireGuard interface DEV ...
      --wireguard-peer <KEY>          ... for the WireGuard peer with this public key (base64)
      --wireguard-extra-param <WORD>  Passed on like extra_params (repeatable)
      --protocol-version <V>          V02, V03, V02-pc or auto (default)
      --osk-organization <ORG>        Output-key domain: organization ...
      --osk-label <LABEL>             ... and labels (repeatable)
)") + socket_options(38);
    case Kind::kUpdatePeer:
      return std::string(R"(Change a running daemon's peer; its session is kept

Usage: rosenpass update-peer [OPTIONS] <PEER_ID>

Arguments:
  <PEER_ID>  As shown by `rosenpass status` or printed by add-peer (base64)

Options:
      --endpoint <HOST:PORT>  New endpoint (resolved here, once)
      --no-endpoint           Forget the endpoint: only answer the peer
      --preshared-key <PATH>  New pre-shared key file, used from the next handshake
      --no-preshared-key      No pre-shared key (32 zero bytes) from the next handshake
)") + socket_options(30);
    case Kind::kRemovePeer:
      return std::string(R"(Remove a peer from a running daemon

Usage: rosenpass remove-peer [OPTIONS] <PEER_ID>

Arguments:
  <PEER_ID>  As shown by `rosenpass status` or printed by add-peer (base64)

Options:
)") + socket_options(28);
  }
  return {};
}

std::optional<Kind> kind_of(const std::string& sub) {
  if (sub == "status") return Kind::kStatus;
  if (sub == "add-peer") return Kind::kAddPeer;
  if (sub == "update-peer") return Kind::kUpdatePeer;
  if (sub == "remove-peer") return Kind::kRemovePeer;
  return std::nullopt;
}

const char* usage_of(Kind k) {
  switch (k) {
    case Kind::kStatus:
      return "rosenpass status [OPTIONS]";
    case Kind::kAddPeer:
      return "rosenpass add-peer [OPTIONS] --public-key <PATH>";
    case Kind::kUpdatePeer:
      return "rosenpass update-peer [OPTIONS] <PEER_ID>";
    case Kind::kRemovePeer:
      return "rosenpass remove-peer [OPTIONS] <PEER_ID>";
  }
  return "";
}

int fail(const std::string& message) {
  log_error(message);
  return 1;
}

std::optional<api::ProfileCode> profile_from(const std::string& v) {
  if (v == "auto") return api::ProfileCode::kAuto;
  if (v == "V02") return api::ProfileCode::kV02;
  if (v == "V03") return api::ProfileCode::kV03;
  if (v == "V02-pc") return api::ProfileCode::kV02pc;
  return std::nullopt;
}

// "host:port" to one literal address, resolved here so the daemon never waits for DNS.
Result<std::string> literal_endpoint(const std::string& text) {
  auto addrs = resolve_host_port(text);
  if (!addrs)
    return addrs.error().context("endpoint " + text + " can not be parsed to a socket address");
  if (addrs->empty()) return make_error("endpoint " + text + " resolved to no address");
  return addrs->front().to_string();
}

Result<base::UniqueFd> open_file(const std::string& path, const char* what) {
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return Error{"could not open " + std::string(what) + " " + debug_quote(path),
                 {std::strerror(errno)}};
  }
  return fd;
}

std::optional<api::PeerId> parse_peer_id(const std::string& text) {
  api::PeerId id;
  if (!crypto::base64_decode_into(text, id)) return std::nullopt;
  return id;
}

std::string status_message(uint64_t s) {
  switch (s) {
    case api::status::kInvalidRequest:
      return "the daemon refused the request as invalid (check the key files and values; its log "
             "says more)";
    case api::status::kInternalError:
      return "the daemon had an internal error (its log says more)";
    case api::status::kNoSuchPeer:
      return "the daemon has no such peer";
    case api::status::kPeerExists:
      return "the daemon already has a peer with this public key";
    case api::status::kNoKeypair:
      return "the daemon has no keypair yet (it waits for SupplyKeypair)";
    case api::status::kUnsupported:
      return "the daemon cannot deliver keys to WireGuard (not supported by its build)";
  }
  return "the daemon answered with status " + std::to_string(s);
}

int run_status(api::Client& c, const ApiClientCommand& cmd) {
  auto all = c.list_all_peers();
  if (!all) return fail(all.error().message);
  auto& l = *all;
  std::string out = cmd.json ? api::format_status_json(l) : api::format_status_text(l);
  std::fputs(out.c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// The --preshared-key file, opened and appended to the request's descriptors (the returned
// fd keeps it open until the call); an invalid fd when none was given. Errors name the file.
Result<base::UniqueFd> open_psk_file(const ApiClientCommand& cmd, std::vector<int>& fds) {
  if (!cmd.preshared_key) return base::UniqueFd();
  auto f = open_file(*cmd.preshared_key, "pre-shared key file");
  if (f) fds.push_back(f->get());
  return f;
}

int run_add(api::Client& c, const ApiClientCommand& cmd) {
  api::AddPeerRequest q;
  if (cmd.protocol_version) q.protocol_version = *profile_from(*cmd.protocol_version);
  if (cmd.endpoint) {
    auto e = literal_endpoint(*cmd.endpoint);
    if (!e) return fail(e.error().chain());
    q.endpoint = *e;
  }
  if (cmd.key_out) q.key_out = std::filesystem::absolute(*cmd.key_out).string();
  q.wireguard_device = cmd.wireguard_device.value_or("");
  q.wireguard_peer = cmd.wireguard_peer.value_or("");
  q.wireguard_extra_params = cmd.wireguard_extra_params;
  q.osk_organization = cmd.osk_organization.value_or("");
  q.osk_labels = cmd.osk_labels;
  auto pk = open_file(*cmd.public_key, "public-key file");
  if (!pk) return fail(pk.error().chain());
  std::vector<int> fds = {pk->get()};
  auto psk = open_psk_file(cmd, fds);
  if (!psk) return fail(psk.error().chain());
  q.psk_from_fd2 = psk->valid();
  auto r = c.call(q, fds);
  if (!r) return fail(r.error().message);
  auto& a = std::get<api::AddPeerResponse>(*r);
  if (a.status != api::status::kOk)
    return fail("could not add the peer: " + status_message(a.status));
  // The id the peer's output-key lines carry: under SHAKE256 for V03, BLAKE2b otherwise.
  const auto& id = q.protocol_version == api::ProfileCode::kV03 ? a.id_shake256 : a.id_blake2b;
  std::printf("%s\n", crypto::base64_encode(id).c_str());
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int run_update(api::Client& c, const ApiClientCommand& cmd, const api::PeerId& id) {
  api::UpdatePeerRequest q;
  q.peer = id;
  if (cmd.endpoint) {
    auto e = literal_endpoint(*cmd.endpoint);
    if (!e) return fail(e.error().chain());
    q.set_endpoint = true;
    q.endpoint = *e;
  } else if (cmd.no_endpoint) {
    q.set_endpoint = true;
  }
  std::vector<int> fds;
  auto psk = open_psk_file(cmd, fds);
  if (!psk) return fail(psk.error().chain());
  q.set_psk_from_fd1 = psk->valid();
  q.clear_psk = !psk->valid() && cmd.no_preshared_key;
  auto r = c.call(q, fds);
  if (!r) return fail(r.error().message);
  auto s = std::get<api::StatusResponse>(*r).status;
  return s == api::status::kOk ? 0 : fail("could not update the peer: " + status_message(s));
}

int run_remove(api::Client& c, const api::PeerId& id) {
  auto r = c.call(api::RemovePeerRequest{id});
  if (!r) return fail(r.error().message);
  auto s = std::get<api::StatusResponse>(*r).status;
  return s == api::status::kOk ? 0 : fail("could not remove the peer: " + status_message(s));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> api_client_man_pages() {
  auto page = [](const std::string& name, const std::string& summary, const std::string& synopsis,
                 const std::string& description, const std::string& options) {
    std::string roff_name = "rosenpass\\-" + name;
    std::string out =
        ".TH " + roff_name + " 1 \"\" \"rosenpass\" \"User Commands\"\n.SH NAME\n" + roff_name +
        " \\- " + summary + "\n.SH SYNOPSIS\n" + synopsis + "\n.SH DESCRIPTION\n" + description +
        "\n.SH OPTIONS\n" + options +
        ".TP\n\\fB\\-s\\fR, \\fB\\-\\-socket\\fR \\fIPATH\\fR\nThe daemon's API socket (its "
        "[api] listen_path).\n"
        ".TP\n\\fB\\-i\\fR, \\fB\\-\\-interface\\fR \\fINAME\\fR\nThe socket of the service "
        "instance rosenpass@NAME: /run/rosenpass/NAME/api.sock.\n"
        ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"
        ".SH FILES\nWithout \\fB\\-s\\fR or \\fB\\-i\\fR: /run/rosenpass/api.sock if it "
        "exists, else the only /run/rosenpass/*/api.sock.\n"
        ".SH EXIT STATUS\n0 on success, 1 on errors (the daemon refused, or could not be "
        "reached), 2 on usage errors.\n"
        ".SH SEE ALSO\n\\fBrosenpass\\fR(1), \\fBrosenpass\\-status\\fR(1), "
        "\\fBrosenpass\\-add\\-peer\\fR(1), \\fBrosenpass\\-remove\\-peer\\fR(1), "
        "docs/api.md\n";
    return std::make_pair("rosenpass-" + name + ".1", out);
  };
  const std::string peer_id_text =
      "\\fIPEER_ID\\fR is the peer's id in base64, as shown by \\fBrosenpass status\\fR, printed "
      "on "
      "its output\\-key lines, or printed by \\fBrosenpass add\\-peer\\fR.";
  return {
      page("status", "Show a running daemon's peers",
           "\\fBrosenpass status\\fR [\\fB\\-\\-json\\fR] [\\fB\\-s\\fR \\fIPATH\\fR|\\fB\\-i\\fR "
           "\\fINAME\\fR]",
           "Asks a running daemon over its control API for its peers and prints, for each, in "
           "the manner of \\fBwg show\\fR: the peer id, the endpoint in use, the wire profile in "
           "use "
           "and the configured one, the time since the last key exchange, the time to the next "
           "rekey, the number of key exchanges, and the datagrams dropped by reason; and the "
           "daemon's dropped datagrams. No key material is ever shown.",
           ".TP\n\\fB\\-\\-json\\fR\nOne JSON object instead of text (docs/api.md describes the "
           "fields).\n"),
      page("add-peer", "Add a peer to a running daemon",
           "\\fBrosenpass add\\-peer\\fR \\fB\\-\\-public\\-key\\fR \\fIPATH\\fR [\\fIOPTIONS\\fR]",
           "Adds a peer to a running daemon as if it were a [[peers]] entry of its configuration, "
           "and prints its peer id. Key files are opened here and handed over as file "
           "descriptors, so the daemon needs no access to them. Host names are resolved here, "
           "once.",
           ".TP\n\\fB\\-\\-public\\-key\\fR \\fIPATH\\fR\nThe peer's public key file (required).\n"
           ".TP\n\\fB\\-\\-endpoint\\fR \\fIHOST:PORT\\fR\nWhere to reach the peer; without it the "
           "peer is only answered.\n"
           ".TP\n\\fB\\-\\-preshared\\-key\\fR \\fIPATH\\fR\nA pre\\-shared key file (base64).\n"
           ".TP\n\\fB\\-\\-key\\-out\\fR \\fIPATH\\fR\nWrite each exchanged key to this file and "
           "print an output\\-key line on the daemon's standard output.\n"
           ".TP\n\\fB\\-\\-wireguard\\-device\\fR \\fIDEV\\fR \\fB\\-\\-wireguard\\-peer\\fR "
           "\\fIKEY\\fR\n"
           "Install each key as the pre\\-shared key of WireGuard peer KEY on interface DEV.\n"
           ".TP\n\\fB\\-\\-wireguard\\-extra\\-param\\fR \\fIWORD\\fR\nLike extra_params "
           "(repeatable).\n"
           ".TP\n\\fB\\-\\-protocol\\-version\\fR \\fIV\\fR\nV02, V03, V02\\-pc or auto (the "
           "default).\n"
           ".TP\n\\fB\\-\\-osk\\-organization\\fR \\fIORG\\fR, \\fB\\-\\-osk\\-label\\fR "
           "\\fILABEL\\fR\n"
           "A custom output\\-key domain (labels repeatable).\n"),
      page("update-peer", "Change a running daemon's peer",
           "\\fBrosenpass update\\-peer\\fR [\\fIOPTIONS\\fR] \\fIPEER_ID\\fR",
           "Changes the endpoint or the pre\\-shared key of a peer; its session is kept. " +
               peer_id_text,
           ".TP\n\\fB\\-\\-endpoint\\fR \\fIHOST:PORT\\fR\nThe new endpoint.\n"
           ".TP\n\\fB\\-\\-no\\-endpoint\\fR\nForget the endpoint: only answer the peer.\n"
           ".TP\n\\fB\\-\\-preshared\\-key\\fR \\fIPATH\\fR\nThe new pre\\-shared key file, used "
           "from the next handshake.\n"
           ".TP\n\\fB\\-\\-no\\-preshared\\-key\\fR\nNo pre\\-shared key from the next "
           "handshake.\n"),
      page("remove-peer", "Remove a peer from a running daemon",
           "\\fBrosenpass remove\\-peer\\fR [\\fIOPTIONS\\fR] \\fIPEER_ID\\fR",
           "Removes a peer: its session is erased, its key file no longer changes. " + peer_id_text,
           ""),
  };
}

std::optional<std::string> api_client_help(const std::string& subcommand) {
  auto k = kind_of(subcommand);
  if (!k) return std::nullopt;
  return help_for(*k);
}

std::optional<std::variant<ApiClientCommand, CliExit>> parse_api_client_command(
    const std::string& subcommand, std::span<const std::string> args) {
  auto kind = kind_of(subcommand);
  if (!kind) return std::nullopt;
  ApiClientCommand cmd;
  cmd.kind = *kind;
  auto set = [](std::optional<std::string>& slot) {
    return [&slot](const std::string& v) -> base::Status {
      slot = v;
      return base::Ok{};
    };
  };
  auto flag = [](bool& b) {
    return [&b](const std::string&) -> base::Status {
      b = true;
      return base::Ok{};
    };
  };
  auto append = [](std::vector<std::string>& v) {
    return [&v](const std::string& s) -> base::Status {
      v.push_back(s);
      return base::Ok{};
    };
  };
  std::vector<OptionSpec> specs = {
      {'s', "socket", true, set(cmd.socket), "--socket <PATH>"},
      {'i', "interface", true, set(cmd.interface), "--interface <NAME>"},
  };
  if (cmd.kind == Kind::kStatus) specs.push_back({0, "json", false, flag(cmd.json), "--json"});
  if (cmd.kind == Kind::kAddPeer || cmd.kind == Kind::kUpdatePeer) {
    specs.push_back({0, "endpoint", true, set(cmd.endpoint), "--endpoint <HOST:PORT>"});
    specs.push_back({0, "preshared-key", true, set(cmd.preshared_key), "--preshared-key <PATH>"});
  }
  if (cmd.kind == Kind::kUpdatePeer) {
    specs.push_back({0, "no-endpoint", false, flag(cmd.no_endpoint), "--no-endpoint"});
    specs.push_back(
        {0, "no-preshared-key", false, flag(cmd.no_preshared_key), "--no-preshared-key"});
  }
  if (cmd.kind == Kind::kAddPeer) {
    specs.push_back({0, "public-key", true, set(cmd.public_key), "--public-key <PATH>"});
    specs.push_back({0, "key-out", true, set(cmd.key_out), "--key-out <PATH>"});
    specs.push_back(
        {0, "wireguard-device", true, set(cmd.wireguard_device), "--wireguard-device <DEV>"});
    specs.push_back({0, "wireguard-peer", true, set(cmd.wireguard_peer), "--wireguard-peer <KEY>"});
    specs.push_back({0, "wireguard-extra-param", true, append(cmd.wireguard_extra_params),
                     "--wireguard-extra-param <WORD>"});
    specs.push_back(
        {0, "protocol-version", true, set(cmd.protocol_version), "--protocol-version <V>"});
    specs.push_back(
        {0, "osk-organization", true, set(cmd.osk_organization), "--osk-organization <ORG>"});
    specs.push_back({0, "osk-label", true, append(cmd.osk_labels), "--osk-label <LABEL>"});
  }
  const std::string_view usage = usage_of(cmd.kind);
  std::vector<std::string> pos;
  bool help = false;
  auto r = parse_options(args, specs, pos, false, usage, help);
  if (auto* e = std::get_if<CliExit>(&r)) return std::variant<ApiClientCommand, CliExit>(*e);
  if (help) return std::variant<ApiClientCommand, CliExit>(CliExit{0, help_for(cmd.kind), ""});
  auto usage_err = [&](const std::string& m) {
    return std::optional<std::variant<ApiClientCommand, CliExit>>(usage_error(m, usage));
  };
  const bool wants_id = cmd.kind == Kind::kUpdatePeer || cmd.kind == Kind::kRemovePeer;
  if (wants_id && pos.empty()) {
    return usage_err("the following required arguments were not provided:\n  <PEER_ID>");
  }
  if (pos.size() > (wants_id ? 1u : 0u))
    return usage_err("unexpected argument '" + pos.back() + "' found");
  if (wants_id) cmd.peer_id = pos[0];
  if (cmd.socket && cmd.interface) {
    return usage_err("the argument '--socket <PATH>' cannot be used with '--interface <NAME>'");
  }
  if (cmd.kind == Kind::kAddPeer) {
    if (!cmd.public_key) {
      return usage_err(
          "the following required arguments were not provided:\n  --public-key <PATH>");
    }
    if (cmd.wireguard_device.has_value() != cmd.wireguard_peer.has_value()) {
      return usage_err("'--wireguard-device' and '--wireguard-peer' must be given together");
    }
    if (cmd.protocol_version && !profile_from(*cmd.protocol_version)) {
      return usage_err(
          "invalid value '" + *cmd.protocol_version +
          "' for '--protocol-version <V>'\n  [possible values: V02, V03, V02-pc, auto]");
    }
    if (!cmd.osk_labels.empty() && !cmd.osk_organization) {
      return usage_err("'--osk-label' needs '--osk-organization'");
    }
  }
  if (cmd.endpoint && cmd.no_endpoint) {
    return usage_err("the argument '--endpoint <HOST:PORT>' cannot be used with '--no-endpoint'");
  }
  if (cmd.preshared_key && cmd.no_preshared_key) {
    return usage_err(
        "the argument '--preshared-key <PATH>' cannot be used with '--no-preshared-key'");
  }
  return std::variant<ApiClientCommand, CliExit>(std::move(cmd));
}

std::string api_socket_path(const ApiClientCommand& cmd) {
  const std::string dir = kDefaultApiSocketDir;
  if (cmd.socket) return *cmd.socket;
  if (cmd.interface) return dir + "/" + *cmd.interface + "/api.sock";
  const std::string flat = dir + "/api.sock";
  struct stat st {};
  if (::stat(flat.c_str(), &st) == 0) return flat;
  // One service instance (rosenpass@NAME): its RuntimeDirectory holds the socket.
  glob_t g{};
  std::string found = flat;
  if (::glob((dir + "/*/api.sock").c_str(), 0, nullptr, &g) == 0 && g.gl_pathc == 1) {
    found = g.gl_pathv[0];
  }
  ::globfree(&g);
  return found;
}

int run_api_client_command(const ApiClientCommand& cmd) {
  std::optional<api::PeerId> id;
  if (!cmd.peer_id.empty()) {
    id = parse_peer_id(cmd.peer_id);
    if (!id)
      return fail("peer id " + debug_quote(cmd.peer_id) +
                  " is not 44 base64 characters (32 bytes)");
  }
  auto c = api::Client::connect(api_socket_path(cmd));
  if (!c) return fail(c.error().message);
  auto& client = *c;
  switch (cmd.kind) {
    case Kind::kStatus:
      return run_status(client, cmd);
    case Kind::kAddPeer:
      return run_add(client, cmd);
    case Kind::kUpdatePeer:
      return run_update(client, cmd, *id);
    case Kind::kRemovePeer:
      return run_remove(client, *id);
  }
  return 1;
}

}  // namespace rosenpass::daemon
