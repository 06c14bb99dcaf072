// `--print-completions` (parity 7): each script is loaded into its real shell and driven as a
// user's TAB would drive it: bash (`bash -i`, the function `complete` registered), zsh (an
// interactive zsh in a zpty with compinit), fish (`complete -C`). A missing shell is skipped.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "daemon_test_util.h"
#include "rosenpass/daemon/docs_output.h"

namespace rosenpass::daemon {
namespace {

using test::ScratchDir;

bool have(const char* program) {
  return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs argv in `cwd` with stdin from /dev/null; stdout (stderr discarded), bounded by `timeout`.
std::string run_in(const std::string& cwd, std::vector<std::string> argv, int timeout_s = 20) {
  int fds[2];
  if (::pipe(fds) != 0) return "";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // bash -i wants its own process group
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(fds[1], 1);
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 2);
    ::close(fds[0]);
    ::setenv("HOME", cwd.c_str(), 1);
    ::setenv("TERM", "dumb", 1);
    ::alarm(static_cast<unsigned>(timeout_s));  // never hang the test
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

std::set<std::string> lines_of(const std::string& text, const std::string& prefix = "") {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
    if (line.rfind(prefix, 0) != 0) continue;
    line = line.substr(prefix.size());
    if (auto tab = line.find('\t'); tab != std::string::npos) line = line.substr(0, tab);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) out.insert(line);
  }
  return out;
}

class Completions : public ::testing::Test {
 protected:
  void SetUp() override {
    ::chmod(dir_.path().c_str(), 0755);
    test::write_text(dir_ / "conf.toml", "");
    std::filesystem::create_directory(dir_.path() / "confdir");
  }
  std::string script(const std::string& shell) {
    std::string path = dir_ / ("rosenpass." + shell);
    test::write_text(path, completion_script(shell).value());
    return path;
  }
  ScratchDir dir_;
};

// What each line must offer (all of `want`) and must not offer (any of `not_want`).
struct Expect {
  std::string line;
  std::vector<std::string> want;
  std::vector<std::string> not_want = {};
};

const std::vector<Expect>& expectations() {
  static const std::vector<Expect> e = {
      {"rosenpass ", {"exchange-config", "exchange", "gen-config", "gen-keys", "validate", "help"}},
      {"rosenpass --",
       {"--log-level", "--verbose", "--quiet", "--psk-broker-path", "--psk-broker-spawn",
        "--generate-manpage", "--print-completions", "--help", "--version"},
       {"--force", "--public-key"}},
      {"rosenpass --log-level ", {"off", "error", "warn", "info", "debug", "trace"}},
      {"rosenpass --print-completions ", {"bash", "zsh", "fish", "elvish", "powershell"}},
      {"rosenpass --generate-manpage co", {"confdir"}, {"conf.toml"}},
      {"rosenpass gen-keys --", {"--public-key", "--secret-key", "--force", "--help"},
       {"--log-level", "--config-file"}},
      {"rosenpass --log-level info gen-keys --", {"--public-key", "--force"}},
      {"rosenpass -v gen-config --", {"--force"}, {"--public-key"}},
      {"rosenpass gen-keys --public-key co", {"conf.toml"}},
      {"rosenpass gen-keys co", {"conf.toml"}},
      {"rosenpass exchange-config co", {"conf.toml"}},
      {"rosenpass validate conf.toml co", {"conf.toml"}},
      {"rosenpass exchange ",
       {"public-key", "secret-key", "listen", "verbose", "peer", "endpoint", "preshared-key",
        "outfile", "wireguard"}},
      {"rosenpass exchange public-key co", {"conf.toml"}, {"peer"}},
      {"rosenpass exchange public-key conf.toml secret-key conf.toml peer outfile co",
       {"conf.toml"}},
      {"rosenpass exchange --", {"--config-file"}, {"--log-level"}},
      {"rosenpass exchange --config-file co", {"conf.toml"}},
      {"rosenpass help ", {"exchange", "gen-keys", "validate"}},
  };
  return e;
}

void check(const std::string& shell, const Expect& e, const std::set<std::string>& got) {
  std::string all;
  for (const auto& g : got) all += " " + g;
  for (const auto& w : e.want) {
    bool found = got.count(w) || got.count(w + "/");
    EXPECT_TRUE(found) << shell << ": '" << e.line << "' should offer " << w << "; got:" << all;
  }
  for (const auto& w : e.not_want) {
    EXPECT_FALSE(got.count(w)) << shell << ": '" << e.line << "' should not offer " << w
                               << "; got:" << all;
  }
}

TEST_F(Completions, Bash) {
  if (!have("bash")) GTEST_SKIP() << "needs bash";
  std::string path = script("bash");
  for (const auto& e : expectations()) {
    // COMP_WORDS as readline splits the line (the last word may be empty).
    std::string driver =
        "source '" + path +
        "'\n"
        "complete -p rosenpass | grep -q -- '-F _rosenpass' || exit 3\n"
        "read -r -a COMP_WORDS <<< \"$LINE\"\n"
        "[[ $LINE == *' ' ]] && COMP_WORDS+=('')\n"
        "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        "COMP_LINE=$LINE; COMP_POINT=${#LINE}\n"
        "_rosenpass rosenpass \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        "printf 'RP:%s\\n' \"${COMPREPLY[@]}\"\n";
    ::setenv("LINE", e.line.c_str(), 1);
    auto out = run_in(dir_.path(), {"bash", "--norc", "--noprofile", "-i", "-c", driver});
    ::unsetenv("LINE");
    check("bash", e, lines_of(out, "RP:"));
  }
}

// Drives one interactive zsh in a pseudo-terminal: for each line, types it and TAB, records
// every match the completion system adds (compadd wrapped), then clears the line. Only the
// completion directories compinit needs are scanned (all of them take seconds).
const char* const kZshDriver = R"ZSH(
zmodload zsh/zpty || exit 2
zpty -b rpz zsh -f -i
zpty -w rpz "PS1='' RPS1=''"
zpty -w rpz "fpath=(/usr/share/zsh/functions/Completion{,/Base,/Unix,/Zsh}); autoload -Uz compinit && compinit -u -D"
zpty -w rpz "source ${(q)1}"
zpty -w rpz 'compadd() { if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return; fi; local -a __rp; builtin compadd -O __rp "$@"; local m; for m in $__rp; do print -r -- $'"'"'\n'"'"'"RP${:-MATCH}:$m"; done; builtin compadd "$@"; }'
zpty -w rpz '_rp_complete() { _main_complete "$@"; print -r -- $'"'"'\n'"'"'"RP${:-DONE}"; }; zle -C rp-complete complete-word _rp_complete'
zpty -w rpz "bindkey '^I' rp-complete"
shift
for line in "$@"; do
  print -r -- "RPLINE:$line"
  zpty -n -w rpz "$line"$'\t'
  out=''
  integer deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    if zpty -r -t rpz chunk; then
      out+=$chunk
      [[ $out == *RPDONE* ]] && break
    else
      sleep 0.02
    fi
  done
  print -r -- "$out"
  zpty -n -w rpz $'\C-u'
done
zpty -d rpz
)ZSH";

TEST_F(Completions, Zsh) {
  if (!have("zsh")) GTEST_SKIP() << "needs zsh";
  std::string path = script("zsh");
  test::write_text(dir_ / "driver.zsh", kZshDriver);
  std::vector<std::string> argv = {"zsh", "-f", dir_ / "driver.zsh", path};
  for (const auto& e : expectations()) argv.push_back(e.line);
  auto out = run_in(dir_.path(), argv, 300);
  // Split the transcript at the RPLINE markers, one section per line typed.
  std::size_t i = 0;
  for (const auto& e : expectations()) {
    std::string marker = "RPLINE:" + e.line + "\n";
    std::size_t start = out.find(marker);
    ASSERT_NE(start, std::string::npos) << "zsh driver did not reach line " << i << ":\n" << out;
    std::size_t end = out.find("RPLINE:", start + marker.size());
    std::string section = out.substr(start, end == std::string::npos ? end : end - start);
    ASSERT_NE(section.find("RPDONE"), std::string::npos) << "no completion for '" << e.line
                                                         << "':\n" << section;
    check("zsh", e, lines_of(section, "RPMATCH:"));
    ++i;
  }
}

TEST_F(Completions, Fish) {
  if (!have("fish")) GTEST_SKIP() << "needs fish";
  std::string path = script("fish");
  for (const auto& e : expectations()) {
    auto out = run_in(dir_.path(), {"fish", "--no-config", "-c",
                                    "source " + path + "; complete -C '" + e.line + "'"});
    check("fish", e, lines_of(out));
  }
}

TEST(CompletionScripts, EveryShellHasOneAndOthersNone) {
  for (const char* shell : {"bash", "zsh", "fish", "elvish", "powershell"}) {
    auto s = completion_script(shell);
    ASSERT_TRUE(s) << shell;
    for (const char* word : {"exchange-config", "gen-keys", "public-key", "force", "outfile"}) {
      EXPECT_NE(s->find(word), std::string::npos) << shell << " lacks " << word;
    }
  }
  EXPECT_FALSE(completion_script("tcsh"));
}

}  // namespace
}  // namespace rosenpass::daemon
