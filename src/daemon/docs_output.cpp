#include "rosenpass/daemon/docs_output.h"

#include <filesystem>
#include <vector>

#include "rosenpass/daemon/api_cli.h"
#include "rosenpass/daemon/key_files.h"

namespace rosenpass::daemon {
namespace {

struct Page {
  std::string file;
  std::string text;
};

// Roff header and NAME section; `\-` keeps ASCII hyphens in the rendered text.
std::string header(const std::string& name, const std::string& summary) {
  return ".TH " + name + " 1 \"\" \"rosenpass\" \"User Commands\"\n.SH NAME\n" + name + " \\- " +
         summary + "\n";
}

const char* kSubcommandList =
    ".TP\n\\fBrosenpass\\-exchange\\-config\\fR(1)\nStart Rosenpass key exchanges based on a "
    "configuration file\n"
    ".TP\n\\fBrosenpass\\-exchange\\fR(1)\nStart Rosenpass key exchanges based on command line "
    "arguments\n"
    ".TP\n\\fBrosenpass\\-gen\\-config\\fR(1)\nGenerate a demo config file for Rosenpass\n"
    ".TP\n\\fBrosenpass\\-gen\\-keys\\fR(1)\nGenerate a keypair to use in the exchange command "
    "later\n"
    ".TP\n\\fBrosenpass\\-validate\\fR(1)\nValidate a configuration\n"
    ".TP\n\\fBrosenpass\\-status\\fR(1), \\fBrosenpass\\-add\\-peer\\fR(1), "
    "\\fBrosenpass\\-update\\-peer\\fR(1), \\fBrosenpass\\-remove\\-peer\\fR(1)\nShow, add, "
    "change and remove a running daemon's peers (control API)\n";

std::vector<Page> pages() {
  std::vector<Page> out;
  out.push_back(
      {"rosenpass.1",
       header("rosenpass", "Build post\\-quantum\\-secure VPNs with WireGuard!") +
           ".SH SYNOPSIS\n\\fBrosenpass\\fR [\\fB\\-\\-log\\-level\\fR] [\\fB\\-v\\fR|\\fB\\-\\-"
           "verbose\\fR] [\\fB\\-q\\fR|\\fB\\-\\-quiet\\fR] [\\fB\\-h\\fR|\\fB\\-\\-help\\fR] "
           "[\\fB\\-V\\fR|\\fB\\-\\-version\\fR] [\\fB\\-\\-user\\fR \\fIUSER\\fR] "
           "<\\fIsubcommands\\fR>\n"
           ".SH DESCRIPTION\nRosenpass is a post\\-quantum key exchange that runs beside "
           "WireGuard and supplies it with a fresh pre\\-shared key about every two minutes.\n"
           ".SH OPTIONS\n"
           ".TP\n\\fB\\-\\-log\\-level\\fR \\fILOG_LEVEL\\fR\nSet the log level: off, error, "
           "warn, info, debug or trace.\n"
           ".TP\n\\fB\\-v\\fR, \\fB\\-\\-verbose\\fR\nLog level info.\n"
           ".TP\n\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\nLog level warn.\n"
           ".TP\n\\fB\\-\\-user\\fR \\fIUSER\\fR\nWhen started as root, run as USER "
           "(a name or a uid) after set\\-up, with no capabilities beyond CAP_NET_ADMIN for "
           "WireGuard; overrides the configuration's \\fBuser\\fR. The key files and every "
           "key_out must be usable by USER (checked at start and by validate). Without a user "
           "a root daemon keeps CAP_DAC_OVERRIDE, CAP_CHOWN and CAP_FOWNER for key_out.\n"
           ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"
           ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nPrint version.\n"
           ".SH SUBCOMMANDS\n" +
           kSubcommandList +
           ".SH EXIT STATUS\n0 on success or after SIGINT, SIGTERM or SIGQUIT; 1 on errors; 2 on "
           "usage errors.\n"
           ".SH SEE ALSO\n\\fBrp\\fR(1), \\fBwg\\fR(1), https://rosenpass.eu/whitepaper.pdf\n"
           ".SH STANDARDS\nThis tool implements the Rosenpass protocol as described in "
           "https://rosenpass.eu/whitepaper.pdf\n"
           ".SH AUTHORS\nThe Rosenpass protocol and reference implementation are by Karolin "
           "Varner, Benjamin Lipp, Wanja Zaeske, Marei Peischl, Stephan Ajuvo and Lisa Schmidt.\n"
           ".SH BUGS\nReport bugs at the project's GitHub issue tracker.\n"});
  out.push_back(
      {"rosenpass-exchange-config.1",
       header("rosenpass\\-exchange\\-config",
              "Start Rosenpass key exchanges based on a configuration file") +
           ".SH SYNOPSIS\n\\fBrosenpass exchange\\-config\\fR <\\fICONFIG_FILE\\fR>\n"
           ".SH DESCRIPTION\nStart Rosenpass key exchanges based on a configuration file. Peers "
           "with an endpoint are initiated, the others are only answered. "
           "protocol_version may be \"V02\", \"V03\", \"V02\\-pc\" or \"auto\" (the default).\n"
           ".SH OPTIONS\n.TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"});
  out.push_back(
      {"rosenpass-exchange.1",
       header("rosenpass\\-exchange",
              "Start Rosenpass key exchanges based on command line "
              "arguments") +
           ".SH SYNOPSIS\n\\fBrosenpass exchange\\fR [\\fB\\-c\\fR|\\fB\\-\\-config\\-file\\fR] "
           "[\\fB\\-h\\fR|\\fB\\-\\-help\\fR] <\\fIOWN_CONFIG\\fR> [\\fIPEERS\\fR]...\n"
           ".SH DESCRIPTION\nStart Rosenpass key exchanges based on command line arguments.\n"
           ".PP\nOWN_CONFIG := public\\-key <PATH> secret\\-key <PATH> [listen <ADDR>:<PORT>]... "
           "[verbose]\n"
           ".PP\nPEERS := peer public\\-key <PATH> [ENDPOINT] [PSK] [OUTFILE] [WG]\n"
           ".PP\nENDPOINT := endpoint <HOST/IP>:<PORT>\n"
           ".PP\nPSK := preshared\\-key <PATH>\n"
           ".PP\nOUTFILE := outfile <PATH>\n"
           ".PP\nWG := wireguard <WIREGUARD_DEV> <WIREGUARD_PEER> [WIREGUARD_EXTRA_ARGS]...\n"
           ".SH OPTIONS\n.TP\n\\fB\\-c\\fR, \\fB\\-\\-config\\-file\\fR \\fIFILE\\fR\nSave the "
           "parsed configuration to FILE before starting.\n"
           ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"});
  out.push_back({"rosenpass-gen-config.1",
                 header("rosenpass\\-gen\\-config", "Generate a demo config file for Rosenpass") +
                     ".SH SYNOPSIS\n\\fBrosenpass gen\\-config\\fR [\\fB\\-f\\fR|\\fB\\-\\-"
                     "force\\fR] <\\fICONFIG_FILE\\fR>\n"
                     ".SH DESCRIPTION\nWrite a demo configuration with one peer.\n"
                     ".SH OPTIONS\n.TP\n\\fB\\-f\\fR, \\fB\\-\\-force\\fR\nOverwrite an existing "
                     "file.\n.TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"});
  out.push_back(
      {"rosenpass-gen-keys.1",
       header("rosenpass\\-gen\\-keys", "Generate a keypair to use in the exchange command later") +
           ".SH SYNOPSIS\n\\fBrosenpass gen\\-keys\\fR [\\fB\\-p\\fR|\\fB\\-\\-public\\-key\\fR] "
           "[\\fB\\-s\\fR|\\fB\\-\\-secret\\-key\\fR] [\\fB\\-f\\fR|\\fB\\-\\-force\\fR] "
           "[\\fICONFIG_FILE\\fR]\n"
           ".SH DESCRIPTION\nGenerate a secret and public key, at the paths of CONFIG_FILE or of "
           "the flags. Secret keys are 13608 bytes; 13568\\-byte files of rosenpass v0.2.x are "
           "read too.\n"
           ".SH OPTIONS\n.TP\n\\fB\\-p\\fR, \\fB\\-\\-public\\-key\\fR \\fIPATH\\fR\nWhere to "
           "write the public key.\n.TP\n\\fB\\-s\\fR, \\fB\\-\\-secret\\-key\\fR \\fIPATH\\fR\n"
           "Where to write the secret key.\n.TP\n\\fB\\-f\\fR, \\fB\\-\\-force\\fR\nOverwrite "
           "existing key files.\n.TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"});
  out.push_back(
      {"rosenpass-validate.1",
       header("rosenpass\\-validate", "Validate a configuration") +
           ".SH SYNOPSIS\n\\fBrosenpass validate\\fR [\\fICONFIG_FILES\\fR]...\n"
           ".SH DESCRIPTION\nCheck configuration files, their keys and endpoints, and print the "
           "results on standard error.\n"
           ".SH OPTIONS\n.TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help.\n"});
  for (auto& [file, text] : api_client_man_pages()) out.push_back({file, text});  // api_cli.cpp
  return out;
}

}  // namespace

Status write_man_pages(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"could not create " + dir, {ec.message()}};
  for (const auto& p : pages()) {
    auto path = (std::filesystem::path(dir) / p.file).string();
    auto st = write_file_atomic(
        path, std::span(reinterpret_cast<const uint8_t*>(p.text.data()), p.text.size()), 0644);
    if (!st) return st;
  }
  return ok_status();
}

}  // namespace rosenpass::daemon
