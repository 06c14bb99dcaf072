// Shell completion scripts (`--print-completions SHELL`, application.md §1.1, parity 7), all
// generated from one description of the command line: every subcommand's options, which
// options and grammar words take a file, a directory or one of a fixed set of values.
#include <string>
#include <vector>

#include "rosenpass/daemon/docs_output.h"

namespace rosenpass::daemon {
namespace {

enum class Arg { kNone, kFile, kDir, kLogLevel, kShell, kFd, kText, kProtocolVersion };

struct Option {
  const char* short_name;  // "" if none
  const char* long_name;
  Arg arg;
  const char* help;
};

struct Subcommand {
  const char* name;
  const char* about;
  std::vector<Option> options;
  Arg positional;  // what the positional arguments are (kNone: no positionals)
};

struct Word {  // the `exchange` grammar (§1.4)
  const char* name;
  Arg arg;
  const char* help;
};

const std::vector<Option>& global_options() {
  static const std::vector<Option> o = {
      {"", "log-level", Arg::kLogLevel, "Set the log level"},
      {"v", "verbose", Arg::kNone, "Log level info"},
      {"q", "quiet", Arg::kNone, "Log level warn"},
      {"", "api-listen-path", Arg::kFile, "Listen for API connections on this unix socket"},
      {"", "api-listen-fd", Arg::kFd, "Listen for API connections on this inherited socket"},
      {"", "api-stream-fd", Arg::kFd, "Serve the API on this inherited connected socket"},
      {"", "psk-broker-path", Arg::kFile, "Deliver PSKs through a broker on this unix socket"},
      {"", "psk-broker-fd", Arg::kFd, "Deliver PSKs through this inherited broker socket"},
      {"p", "psk-broker-spawn", Arg::kNone, "Spawn the PSK broker socket handler"},
      {"", "user", Arg::kText, "Run as this user after set-up when started as root"},
      {"", "generate-manpage", Arg::kDir, "Write man pages into a directory"},
      {"", "print-completions", Arg::kShell, "Print a shell completion script"},
      {"h", "help", Arg::kNone, "Print help"},
      {"V", "version", Arg::kNone, "Print version"},
  };
  return o;
}

const Option kHelp = {"h", "help", Arg::kNone, "Print help"};
// Which daemon a control-API subcommand talks to (api_cli.cpp).
const Option kSocket = {"s", "socket", Arg::kFile, "The daemon's API socket"};
const Option kInterface = {"i", "interface", Arg::kText,
                           "The API socket of service instance NAME"};

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> s = {
      {"exchange-config", "Start key exchanges based on a configuration file", {kHelp},
       Arg::kFile},
      {"exchange",
       "Start key exchanges based on command line arguments",
       {{"c", "config-file", Arg::kFile, "Save the parsed configuration to this file"}, kHelp},
       Arg::kText},
      {"gen-config",
       "Generate a demo config file",
       {{"f", "force", Arg::kNone, "Overwrite an existing file"}, kHelp},
       Arg::kFile},
      {"gen-keys",
       "Generate a keypair",
       {{"p", "public-key", Arg::kFile, "Where to write the public key"},
        {"s", "secret-key", Arg::kFile, "Where to write the secret key"},
        {"f", "force", Arg::kNone, "Overwrite existing key files"},
        kHelp},
       Arg::kFile},
      {"validate", "Validate configuration files", {kHelp}, Arg::kFile},
      {"status",
       "Show a running daemon's peers",
       {{"", "json", Arg::kNone, "JSON instead of text"}, kSocket, kInterface, kHelp},
       Arg::kNone},
      {"add-peer",
       "Add a peer to a running daemon",
       {{"", "public-key", Arg::kFile, "The peer's public-key file"},
        {"", "endpoint", Arg::kText, "Where to reach the peer HOST:PORT"},
        {"", "preshared-key", Arg::kFile, "A pre-shared key file"},
        {"", "key-out", Arg::kFile, "Write each exchanged key to this file"},
        {"", "wireguard-device", Arg::kText, "WireGuard interface for the keys"},
        {"", "wireguard-peer", Arg::kText, "WireGuard peer public key (base64)"},
        {"", "wireguard-extra-param", Arg::kText, "Passed on like extra_params"},
        {"", "protocol-version", Arg::kProtocolVersion, "Protocol version"},
        {"", "osk-organization", Arg::kText, "Output-key domain organization"},
        {"", "osk-label", Arg::kText, "Output-key domain label"},
        kSocket,
        kInterface,
        kHelp},
       Arg::kNone},
      {"update-peer",
       "Change a running daemon's peer",
       {{"", "endpoint", Arg::kText, "New endpoint HOST:PORT"},
        {"", "no-endpoint", Arg::kNone, "Forget the endpoint"},
        {"", "preshared-key", Arg::kFile, "New pre-shared key file"},
        {"", "no-preshared-key", Arg::kNone, "No pre-shared key"},
        kSocket,
        kInterface,
        kHelp},
       Arg::kText},
      {"remove-peer", "Remove a peer from a running daemon", {kSocket, kInterface, kHelp},
       Arg::kText},
      {"help", "Print help of the given subcommand", {}, Arg::kNone},
  };
  return s;
}

const std::vector<Word>& exchange_words() {
  static const std::vector<Word> w = {
      {"public-key", Arg::kFile, "public key file"},
      {"secret-key", Arg::kFile, "secret key file"},
      {"listen", Arg::kText, "listen address ADDR:PORT"},
      {"verbose", Arg::kNone, "log key exchanges"},
      {"peer", Arg::kNone, "start a peer"},
      {"endpoint", Arg::kText, "peer endpoint HOST:PORT"},
      {"preshared-key", Arg::kFile, "pre-shared key file"},
      {"outfile", Arg::kFile, "file for the output key"},
      {"wireguard", Arg::kText, "WireGuard device, peer and wg set words"},
  };
  return w;
}

// "private-key" is the deprecated spelling of secret-key: its path completes, it is not offered.
const char* const kExchangeFileWordsExtra = "private-key";
const char* const kLogLevels = "off error warn info debug trace";
const char* const kShells = "bash elvish fish powershell zsh";
const char* const kProtocolVersions = "V02 V03 V02-pc auto";

std::string flags_of(const std::vector<Option>& opts) {
  std::string out;
  for (const auto& o : opts) {
    if (*o.short_name) out += (out.empty() ? "-" : " -") + std::string(o.short_name);
    out += (out.empty() ? "--" : " --") + std::string(o.long_name);
  }
  return out;
}

// Case patterns ("-p|--public-key") for the options taking an argument of kind `kind`.
std::string bash_pattern(const std::vector<Option>& opts, Arg kind) {
  std::string out;
  for (const auto& o : opts) {
    if (o.arg != kind) continue;
    if (*o.short_name) out += (out.empty() ? "-" : "|-") + std::string(o.short_name);
    out += (out.empty() ? "--" : "|--") + std::string(o.long_name);
  }
  return out;
}

std::string subcommand_names() {
  std::string out;
  for (const auto& s : subcommands()) out += (out.empty() ? "" : " ") + std::string(s.name);
  return out;
}

std::string bash_script() {
  const auto& g = global_options();
  std::string valued;  // global options whose value is a separate word
  for (const auto& o : g) {
    if (o.arg != Arg::kNone) valued += (valued.empty() ? "--" : "|--") + std::string(o.long_name);
  }
  std::string s =
      "# bash completion for rosenpass\n"
      "_rosenpass_files() {\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  COMPREPLY=($(compgen -f -- \"$1\"))\n"
      "}\n"
      "_rosenpass_dirs() {\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  COMPREPLY=($(compgen -d -- \"$1\"))\n"
      "}\n"
      "_rosenpass() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\"\n"
      "  (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  COMPREPLY=()\n"
      "  # The subcommand is the first word that is neither an option nor an option's value.\n"
      "  local i=1 sub=\"\"\n"
      "  while (( i < COMP_CWORD )); do\n"
      "    case \"${COMP_WORDS[i]}\" in\n"
      "      " + valued + ") (( i += 2 )); continue ;;\n"
      "      -*) ;;\n"
      "      *) sub=\"${COMP_WORDS[i]}\"; break ;;\n"
      "    esac\n"
      "    (( i += 1 ))\n"
      "  done\n"
      "  if [[ -z $sub ]]; then\n"
      "    case \"$prev\" in\n"
      "      --log-level) COMPREPLY=($(compgen -W \"" + std::string(kLogLevels) +
      "\" -- \"$cur\")); return ;;\n"
      "      --print-completions) COMPREPLY=($(compgen -W \"" + std::string(kShells) +
      "\" -- \"$cur\")); return ;;\n"
      "      " + bash_pattern(g, Arg::kFile) + ") _rosenpass_files \"$cur\"; return ;;\n"
      "      " + bash_pattern(g, Arg::kDir) + ") _rosenpass_dirs \"$cur\"; return ;;\n"
      "      " + bash_pattern(g, Arg::kFd) + ") return ;;\n"
      "    esac\n"
      "    if [[ $cur == -* ]]; then\n"
      "      COMPREPLY=($(compgen -W \"" + flags_of(g) + "\" -- \"$cur\"))\n"
      "    else\n"
      "      COMPREPLY=($(compgen -W \"" + subcommand_names() + "\" -- \"$cur\"))\n"
      "    fi\n"
      "    return\n"
      "  fi\n"
      "  case \"$sub\" in\n";
  for (const auto& sc : subcommands()) {
    s += "    " + std::string(sc.name) + ")\n";
    if (std::string(sc.name) == "help") {
      s += "      COMPREPLY=($(compgen -W \"" + subcommand_names() + "\" -- \"$cur\"))\n      ;;\n";
      continue;
    }
    std::string file_opts = bash_pattern(sc.options, Arg::kFile);
    std::string file_words;
    if (std::string(sc.name) == "exchange") {
      for (const auto& w : exchange_words()) {
        if (w.arg == Arg::kFile) file_opts += "|" + std::string(w.name);
      }
      file_opts += "|" + std::string(kExchangeFileWordsExtra);
    }
    s += "      case \"$prev\" in\n";
    if (!file_opts.empty()) s += "        " + file_opts + ") _rosenpass_files \"$cur\"; return ;;\n";
    if (auto text_opts = bash_pattern(sc.options, Arg::kText); !text_opts.empty()) {
      s += "        " + text_opts + ") return ;;\n";
    }
    if (auto pv = bash_pattern(sc.options, Arg::kProtocolVersion); !pv.empty()) {
      s += "        " + pv + ") COMPREPLY=($(compgen -W \"" + std::string(kProtocolVersions) +
           "\" -- \"$cur\")); return ;;\n";
    }
    if (std::string(sc.name) == "exchange") {
      std::string text_words;
      for (const auto& w : exchange_words()) {
        if (w.arg == Arg::kText) text_words += (text_words.empty() ? "" : "|") + std::string(w.name);
      }
      s += "        " + text_words + ") return ;;\n";
    }
    s += "      esac\n";
    s += "      if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"" +
         flags_of(sc.options) + "\" -- \"$cur\"))\n";
    if (std::string(sc.name) == "exchange") {
      std::string words;
      for (const auto& w : exchange_words()) words += (words.empty() ? "" : " ") + std::string(w.name);
      s += "      else\n        COMPREPLY=($(compgen -W \"" + words + "\" -- \"$cur\"))\n";
    } else if (sc.positional == Arg::kFile) {
      s += "      else\n        _rosenpass_files \"$cur\"\n";
    }
    s += "      fi\n      ;;\n";
  }
  s += "  esac\n}\ncomplete -F _rosenpass rosenpass\n";
  return s;
}

// zsh: _arguments specs; a value-taking option's spec ends in :message:action.
std::string zsh_action(Arg a) {
  switch (a) {
    case Arg::kFile:
      return "_files";
    case Arg::kDir:
      return "_files -/";
    case Arg::kLogLevel:
      return "(" + std::string(kLogLevels) + ")";
    case Arg::kShell:
      return "(" + std::string(kShells) + ")";
    case Arg::kProtocolVersion:
      return "(" + std::string(kProtocolVersions) + ")";
    case Arg::kFd:
    case Arg::kText:
    case Arg::kNone:
      return " ";
  }
  return " ";
}

std::string zsh_escape(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '[' || c == ']' || c == ':') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string zsh_specs(const std::vector<Option>& opts, const std::string& indent) {
  std::string out;
  for (const auto& o : opts) {
    std::string names = *o.short_name ? "{-" + std::string(o.short_name) + ",--" + o.long_name + "}"
                                      : "--" + std::string(o.long_name);
    std::string value = o.arg == Arg::kNone ? ""
                                            : ":" + std::string(o.long_name) + ":" +
                                                  zsh_escape(zsh_action(o.arg));
    if (*o.short_name) {
      out += indent + "'(-" + std::string(o.short_name) + " --" + o.long_name + ")'" + names +
             "'[" + zsh_escape(o.help) + "]" + value + "' \\\n";
    } else {
      out += indent + "'" + names + "[" + zsh_escape(o.help) + "]" + value + "' \\\n";
    }
  }
  return out;
}

std::string zsh_script() {
  std::string s =
      "#compdef rosenpass\n"
      "# zsh completion for rosenpass\n"
      "_rosenpass_exchange_words() {\n"
      "  case $words[CURRENT-1] in\n";
  std::string files, texts, all;
  for (const auto& w : exchange_words()) {
    if (w.arg == Arg::kFile) files += std::string(w.name) + "|";
    if (w.arg == Arg::kText) texts += (texts.empty() ? "" : "|") + std::string(w.name);
    all += "    '" + std::string(w.name) + ":" + zsh_escape(w.help) + "'\n";
  }
  files += kExchangeFileWordsExtra;
  s += "    " + files + ") _files ;;\n    " + texts +
       ") _message 'value' ;;\n"
       "    *)\n"
       "      local -a grammar=(\n" +
       all +
       "      )\n"
       "      _describe -t words 'exchange word' grammar ;;\n"
       "  esac\n"
       "}\n"
       "_rosenpass() {\n"
       "  local curcontext=\"$curcontext\" state line ret=1\n"
       "  typeset -A opt_args\n"
       "  _arguments -C -S \\\n" +
       zsh_specs(global_options(), "    ") +
       "    '1:command:->command' \\\n"
       "    '*::argument:->argument' && ret=0\n"
       "  case $state in\n"
       "    command)\n"
       "      local -a commands=(\n";
  for (const auto& sc : subcommands()) {
    s += "        '" + std::string(sc.name) + ":" + zsh_escape(sc.about) + "'\n";
  }
  s +=
      "      )\n"
      "      _describe -t commands 'rosenpass command' commands && ret=0\n"
      "      ;;\n"
      "    argument)\n"
      "      curcontext=\"${curcontext%:*:*}:rosenpass-$line[1]:\"\n"
      "      case $line[1] in\n";
  for (const auto& sc : subcommands()) {
    s += "        " + std::string(sc.name) + ")\n";
    if (std::string(sc.name) == "help") {
      s += "          compadd -- " + subcommand_names() + "\n          ;;\n";
      continue;
    }
    s += "          _arguments -S \\\n" + zsh_specs(sc.options, "            ");
    if (std::string(sc.name) == "exchange") {
      s += "            '*:exchange word:_rosenpass_exchange_words' && ret=0\n";
    } else if (std::string(sc.name) == "validate") {
      s += "            '*:config file:_files' && ret=0\n";
    } else if (sc.positional == Arg::kFile) {
      s += "            '1:config file:_files' && ret=0\n";
    } else if (sc.positional == Arg::kText) {
      s += "            '1:peer id: ' && ret=0\n";
    } else {
      s += "            && ret=0\n";
    }
    s += "          ;;\n";
  }
  s +=
      "      esac\n"
      "      ;;\n"
      "  esac\n"
      "  return ret\n"
      "}\n"
      "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
      "  _rosenpass \"$@\"\n"
      "else\n"
      "  compdef _rosenpass rosenpass\n"
      "fi\n";
  return s;
}

std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string fish_option(const Option& o, const std::string& condition) {
  std::string line = "complete -c rosenpass -n " + fish_quote(condition);
  if (*o.short_name) line += " -s " + std::string(o.short_name);
  line += " -l " + std::string(o.long_name);
  switch (o.arg) {
    case Arg::kFile:
      line += " -r -F";
      break;
    case Arg::kDir:
      line += " -x -a '(__fish_complete_directories (commandline -ct))'";
      break;
    case Arg::kLogLevel:
      line += " -x -a " + fish_quote(kLogLevels);
      break;
    case Arg::kShell:
      line += " -x -a " + fish_quote(kShells);
      break;
    case Arg::kProtocolVersion:
      line += " -x -a " + fish_quote(kProtocolVersions);
      break;
    case Arg::kFd:
    case Arg::kText:
      line += " -x";
      break;
    case Arg::kNone:
      break;
  }
  return line + " -d " + fish_quote(o.help) + "\n";
}

std::string fish_script() {
  std::string valued;
  for (const auto& o : global_options()) {
    if (o.arg != Arg::kNone) valued += " --" + std::string(o.long_name);
  }
  std::string file_words;
  for (const auto& w : exchange_words()) {
    if (w.arg == Arg::kFile) file_words += " " + std::string(w.name);
  }
  file_words += " " + std::string(kExchangeFileWordsExtra);
  std::string s =
      "# fish completion for rosenpass\n"
      "# The subcommand: the first word that is neither an option nor an option's value.\n"
      "function __rosenpass_subcommand\n"
      "    set -l tokens (commandline -opc)\n"
      "    set -e tokens[1]\n"
      "    while set -q tokens[1]\n"
      "        switch $tokens[1]\n"
      "            case" + valued + "\n"
      "                set -e tokens[1..2]\n"
      "            case '-*'\n"
      "                set -e tokens[1]\n"
      "            case '*'\n"
      "                echo $tokens[1]\n"
      "                return 0\n"
      "        end\n"
      "    end\n"
      "    return 1\n"
      "end\n"
      "function __rosenpass_using\n"
      "    set -l sub (__rosenpass_subcommand)\n"
      "    test \"$sub\" = $argv[1]\n"
      "end\n"
      "function __rosenpass_no_subcommand\n"
      "    not __rosenpass_subcommand >/dev/null\n"
      "end\n"
      "function __rosenpass_exchange_after\n"
      "    set -l tokens (commandline -opc)\n"
      "    contains -- $tokens[-1] $argv\n"
      "end\n"
      "complete -c rosenpass -f\n";
  for (const auto& o : global_options()) s += fish_option(o, "__rosenpass_no_subcommand");
  for (const auto& sc : subcommands()) {
    s += "complete -c rosenpass -n __rosenpass_no_subcommand -a " + std::string(sc.name) +
         " -d " + fish_quote(sc.about) + "\n";
  }
  for (const auto& sc : subcommands()) {
    const std::string using_it = "__rosenpass_using " + std::string(sc.name);
    for (const auto& o : sc.options) s += fish_option(o, using_it);
    if (std::string(sc.name) == "help") {
      s += "complete -c rosenpass -n " + fish_quote(using_it) + " -a " +
           fish_quote(subcommand_names()) + "\n";
    } else if (std::string(sc.name) == "exchange") {
      s += "complete -c rosenpass -n " +
           fish_quote(using_it + "; and __rosenpass_exchange_after" + file_words) + " -F\n";
      std::string text_words;
      for (const auto& w : exchange_words()) {
        if (w.arg == Arg::kText) text_words += " " + std::string(w.name);
      }
      const std::string offer = using_it + "; and not __rosenpass_exchange_after" + file_words +
                                text_words + " -c --config-file";
      for (const auto& w : exchange_words()) {
        s += "complete -c rosenpass -n " + fish_quote(offer) + " -a " + std::string(w.name) +
             " -d " + fish_quote(w.help) + "\n";
      }
    } else if (sc.positional == Arg::kFile) {
      s += "complete -c rosenpass -n " + fish_quote(using_it) + " -F\n";
    }
  }
  return s;
}

std::string all_words() {
  std::string out = subcommand_names() + " " + flags_of(global_options());
  for (const auto& sc : subcommands()) out += " " + flags_of(sc.options);
  for (const auto& w : exchange_words()) out += " " + std::string(w.name);
  return out;
}

}  // namespace

std::optional<std::string> completion_script(const std::string& shell) {
  if (shell == "bash") return bash_script();
  if (shell == "zsh") return zsh_script();
  if (shell == "fish") return fish_script();
  if (shell == "elvish") {
    return "set edit:completion:arg-completer[rosenpass] = {|@words|\n  put " + all_words() +
           "\n}\n";
  }
  if (shell == "powershell") {
    return "Register-ArgumentCompleter -Native -CommandName 'rosenpass' -ScriptBlock {\n"
           "  param($wordToComplete)\n  '" +
           all_words() +
           "'.Split(' ') | Where-Object { $_ -like \"$wordToComplete*\" }\n}\n";
  }
  return std::nullopt;
}

}  // namespace rosenpass::daemon
