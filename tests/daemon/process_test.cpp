// The real `rosenpass` program: command-line errors, and key exchanges between two daemons on
// 127.0.0.1 and ::1. Every test is bounded in time and stops what it starts by PID.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <memory>

#include "generated_keys.h"
#include "process_util.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/hash_domains.h"

namespace rosenpass::test {
namespace {

using namespace std::chrono_literals;

[[maybe_unused]] bool wait_for(const std::function<bool()>& pred,
                               std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

[[maybe_unused]] std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// Two keypairs generated once for the whole suite.
using Keys = GeneratedKeys;

std::string toml_peer_config(const std::string& pk, const std::string& sk,
                             const std::string& listen, const std::string& peer_pk,
                             const std::string& endpoint, const std::string& key_out,
                             const std::string& extra = "", const std::string& peer_extra = "") {
  std::string t = "public_key = \"" + pk + "\"\nsecret_key = \"" + sk + "\"\nlisten = [" +
                  (listen.empty() ? "" : "\"" + listen + "\"") + "]\nverbosity = \"Verbose\"\n" +
                  extra + "\n[[peers]]\npublic_key = \"" + peer_pk + "\"\n";
  if (!endpoint.empty()) t += "endpoint = \"" + endpoint + "\"\n";
  return t + "key_out = \"" + key_out + "\"\n" + peer_extra;
}

TEST(RosenpassBinary, VersionHelpAndUsage) {
  ScratchDir d;
  auto v = run_rosenpass_bin(d, {"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out.rfind("rosenpass ", 0), 0u);
  auto none = run_rosenpass_bin(d, {});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("Usage:"), std::string::npos);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(run_rosenpass_bin(d, {"exchange-config", "x", "-v"}).code, 2);
  EXPECT_EQ(run_rosenpass_bin(d, {"-v"}).code, 0);
}

// Renders a man page as `man` shows it (roff escapes such as \- removed when man is absent).
std::string render_man(const std::string& path) {
  std::string cmd = "MANWIDTH=200 man -l '" + path + "' 2>/dev/null";
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    ::pclose(f);
  }
  if (!out.empty()) return out;
  out = read_text(path);
  for (std::size_t p; (p = out.find("\\-")) != std::string::npos;) out.replace(p, 2, "-");
  return out;
}

TEST(RosenpassBinary, ManPagesAndCompletions) {
  ScratchDir d;
  auto r = run_rosenpass_bin(d, {"--generate-manpage", d / "man", "validate"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* page : {"rosenpass", "rosenpass-exchange", "rosenpass-exchange-config",
                           "rosenpass-gen-config", "rosenpass-gen-keys", "rosenpass-validate"}) {
    std::string text = render_man(d / ("man/" + std::string(page) + ".1"));
    for (const char* section : {"NAME", "SYNOPSIS", "OPTIONS"}) {
      EXPECT_NE(text.find(section), std::string::npos) << page << " lacks " << section;
    }
    if (std::string(page) != "rosenpass") {
      EXPECT_NE(text.find("DESCRIPTION"), std::string::npos) << page;
    }
  }
  EXPECT_FALSE(exists(d / "man/rosenpass-keygen.1"));
  std::string top = render_man(d / "man/rosenpass.1");
  for (const char* s : {"EXIT STATUS", "SEE ALSO", "STANDARDS", "AUTHORS", "BUGS", "[--log-level]",
                        "--user", "CAP_DAC_OVERRIDE",
                        "rosenpass-exchange-config(1)",
                        "Start Rosenpass key exchanges based on a configuration file",
                        "https://rosenpass.eu/whitepaper.pdf"}) {
    EXPECT_NE(top.find(s), std::string::npos) << s;
  }
  std::string ex = render_man(d / "man/rosenpass-exchange.1");
  EXPECT_NE(ex.find("[-c|--config-file]"), std::string::npos);
  EXPECT_NE(ex.find("PSK := preshared-key"), std::string::npos);
  auto bash = run_rosenpass_bin(d, {"--print-completions", "bash", "--generate-manpage", d / "x"});
  EXPECT_EQ(bash.code, 0);
  EXPECT_NE(bash.out.find("complete -F _rosenpass rosenpass"), std::string::npos);
  EXPECT_FALSE(exists(d / "x"));  // only the completion script is printed
  EXPECT_EQ(run_rosenpass_bin(d, {"--print-completions", "tcsh"}).code, 2);
}

TEST_F(Keys, BadInputsGiveTheDocumentedMessageAndTouchNoKeyFile) {
  const std::string out = dir_ / "out.key";
  write_text(out, "previous");
  struct Case {
    std::string name, toml, message;
  };
  write_bytes(dir_ / "short.pk", 1000);
  std::vector<Case> cases = {
      {"missing key file",
       toml_peer_config(dir_ / "nope.pk", key("a.sk"), "", key("b.pk"), "", out),
       "could not find public-key file"},
      {"wrong-size key file",
       toml_peer_config(key("a.pk"), key("a.sk"), "", dir_ / "short.pk", "", out),
       "peer 0 public-key file \"" + dir_ / "short.pk" + "\" is invalid"},
      {"wrong-size secret key",
       toml_peer_config(key("a.pk"), dir_ / "short.pk", "", key("b.pk"), "", out),
       "could not load secret-key file \"" + dir_ / "short.pk" + "\": invalid key"},
      {"malformed TOML", "listen = [\n", "TOML parse error"},
      {"unknown key",
       toml_peer_config(key("a.pk"), key("a.sk"), "", key("b.pk"), "", out) + "colour = \"blue\"\n",
       "unknown field `colour`"},
      {"unresolvable endpoint",
       toml_peer_config(key("a.pk"), key("a.sk"), "", key("b.pk"), "no-such-host.invalid:9999",
                        out),
       "peer 0 endpoint no-such-host.invalid:9999 can not be parsed to a socket address"},
  };
  for (const auto& c : cases) {
    write_text(dir_ / "c.toml", c.toml);
    auto r = run_rosenpass_bin(dir_, {"exchange-config", dir_ / "c.toml"});
    EXPECT_EQ(r.code, 1) << c.name;
    EXPECT_NE(r.err.find("ERROR rosenpass] "), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_EQ(read_text(out), "previous") << c.name;
  }
  auto r = run_rosenpass_bin(dir_, {"exchange", "public-key", key("a.pk"), "secret-key",
                                    key("a.sk"), "peer", "public-key", key("b.pk"), "bogus"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unrecongnised argument bogus"), std::string::npos);
}

#ifdef RP_HAVE_PROTOCOL

struct Daemon {
  std::unique_ptr<Process> proc;
  std::string key_out;
};

class Exchange : public Keys {
 protected:
  // Starts a daemon for `self` ("a" or "b") from a TOML config.
  Daemon start_config(const std::string& self, const std::string& other, const std::string& listen,
                      const std::string& endpoint, const std::string& tag = "",
                      const std::string& peer_extra = "") {
    Daemon d;
    d.key_out = dir_ / (self + ".osk");
    std::string cfg = dir_ / (self + tag + ".toml");
    write_text(cfg, toml_peer_config(key(self + ".pk"), key(self + ".sk"), listen,
                                     key(other + ".pk"), endpoint, d.key_out, "", peer_extra));
    d.proc = std::make_unique<Process>(std::vector<std::string>{"-v", "exchange-config", cfg},
                                       dir_ / (self + tag + ".out"), dir_ / (self + tag + ".err"));
    return d;
  }

  // Both daemons printed at least `n` "exchanged" lines and hold the same key.
  bool exchanged(Daemon& x, Daemon& y, std::size_t n = 1, std::chrono::milliseconds timeout = 30s) {
    return wait_for(
        [&] {
          if (count(x.proc->out(), " exchanged\n") < n ||
              count(y.proc->out(), " exchanged\n") < n) {
            return false;
          }
          std::string kx = read_text(x.key_out), ky = read_text(y.key_out);
          return kx.size() == 44 && kx == ky;
        },
        timeout);
  }
};

TEST_F(Exchange, ExchangeConfigOnIPv4) {
  int pa = free_udp_port(), pb = free_udp_port();
  auto a =
      start_config("a", "b", "127.0.0.1:" + std::to_string(pa), "127.0.0.1:" + std::to_string(pb));
  auto b = start_config("b", "a", "127.0.0.1:" + std::to_string(pb), "");  // responder only
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  // The stdout line, exactly: the REMOTE peer's id and the configured path.
  std::string line_a = a.proc->out().substr(0, a.proc->out().find('\n'));
  EXPECT_EQ(line_a,
            "output-key peer " + peer_id("b.pk") + " key-file \"" + a.key_out + "\" exchanged");
  std::string line_b = b.proc->out().substr(0, b.proc->out().find('\n'));
  EXPECT_EQ(line_b,
            "output-key peer " + peer_id("a.pk") + " key-file \"" + b.key_out + "\" exchanged");
  EXPECT_EQ(mode_of(a.key_out), 0600u);
  EXPECT_EQ(a.proc->stop(SIGTERM), 0);
  EXPECT_EQ(b.proc->stop(SIGINT), 0);
}

// Issue 18 item 4: started as root with `user` (config) or --user (command line), the daemon
// runs as that user after set-up with no_new_privs, a seccomp filter and no capabilities (no
// WireGuard peer), still exchanges keys, writes key_out as that user and exits cleanly.
TEST_F(Exchange, UnprivilegedConfinedDaemons) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch users";
  ::chmod(dir_.path().c_str(), 0755);
  std::string out = dir_ / "svc";
  ::mkdir(out.c_str(), 0700);
  ASSERT_EQ(::chown(out.c_str(), 65534, 65534), 0);
  int pa = free_udp_port(), pb = free_udp_port();
  Daemon a, b;
  a.key_out = out + "/a.osk";
  b.key_out = out + "/b.osk";
  write_text(dir_ / "a.toml",
             toml_peer_config(key("a.pk"), key("a.sk"), "127.0.0.1:" + std::to_string(pa),
                              key("b.pk"), "127.0.0.1:" + std::to_string(pb), a.key_out,
                              "user = \"nobody\"\n"));
  write_text(dir_ / "b.toml", toml_peer_config(key("b.pk"), key("b.sk"),
                                               "127.0.0.1:" + std::to_string(pb), key("a.pk"), "",
                                               b.key_out));
  a.proc = std::make_unique<Process>(std::vector<std::string>{"-v", "exchange-config", dir_ / "a.toml"},
                                     dir_ / "a.out", dir_ / "a.err");
  b.proc = std::make_unique<Process>(
      std::vector<std::string>{"-v", "--user", "65534", "exchange-config", dir_ / "b.toml"},
      dir_ / "b.out", dir_ / "b.err");
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  const std::string seccomp = RP_SECCOMP_FILTER ? "2" : "0";
  for (Daemon* d : {&a, &b}) {
    pid_t pid = d->proc->pid();
    EXPECT_EQ(status_field(pid, "Uid"), "65534\t65534\t65534\t65534");
    EXPECT_EQ(status_field(pid, "Gid"), "65534\t65534\t65534\t65534");
    EXPECT_EQ(status_field(pid, "NoNewPrivs"), "1");
    EXPECT_EQ(status_field(pid, "Seccomp"), seccomp);
    EXPECT_EQ(status_field(pid, "CapEff"), "0000000000000000");
    EXPECT_EQ(status_field(pid, "CapPrm"), "0000000000000000");
    EXPECT_EQ(status_field(pid, "CapBnd"), "0000000000000000");
    struct stat st {};
    ASSERT_EQ(::stat(d->key_out.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
  }
  // A second exchange after a restart of the initiator a: the confined responder b keeps
  // working (new handshake, new key written).
  EXPECT_EQ(a.proc->stop(SIGTERM), 0) << a.proc->err();  // not killed by the filter (SIGSYS)
  const std::string first_key = read_text(b.key_out);
  a.proc = std::make_unique<Process>(std::vector<std::string>{"-v", "exchange-config", dir_ / "a.toml"},
                                     dir_ / "a2.out", dir_ / "a2.err");
  ASSERT_TRUE(exchanged(a, b, 1)) << a.proc->err() << "\n---\n" << b.proc->err();
  EXPECT_NE(read_text(b.key_out), first_key);
  EXPECT_EQ(a.proc->stop(SIGTERM), 0) << a.proc->err();  // not killed by the filter (SIGSYS)
  EXPECT_EQ(b.proc->stop(SIGINT), 0) << b.proc->err();
}

// The key_out file is written as the service user: checked as it at start.
TEST_F(Exchange, KeyOutUnwritableForTheServiceUserIsRefusedAtStart) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch users";
  ::chmod(dir_.path().c_str(), 0755);
  write_text(dir_ / "a.toml", toml_peer_config(key("a.pk"), key("a.sk"), "127.0.0.1:0",
                                               key("b.pk"), "", dir_ / "a.osk"));
  auto r = run_rosenpass_bin(dir_, {"--user", "nobody", "exchange-config", dir_ / "a.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("peer 0 key_out \"" + dir_ / "a.osk" + "\" can not be written by uid 65534"),
            std::string::npos)
      << r.err;
  r = run_rosenpass_bin(dir_, {"--user", "no-such-user-here", "exchange-config", dir_ / "a.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--user: no such user \"no-such-user-here\""), std::string::npos) << r.err;
}

TEST_F(Exchange, ServiceUserWithKeyOutInARootOwnedDirectory) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set up the service user's files";
  // As the reference's users deploy it (issue #16): the daemon runs as a service user whose
  // key_out was pre-created for it (0640) in a directory it cannot write.
  constexpr uid_t kService = 65534;  // nobody
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  for (const char* f : {"a.pk", "b.pk", "a.sk"}) {
    std::filesystem::copy_file(key(f), dir_ / (std::string("svc-") + f));
  }
  ASSERT_EQ(::chown((dir_ / "svc-a.sk").c_str(), kService, kService), 0);
  ASSERT_EQ(::mkdir((dir_ / "ro").c_str(), 0755), 0);
  const std::string out = dir_ / "ro/out.key";
  write_text(out, "");
  ASSERT_EQ(::chown(out.c_str(), kService, kService), 0);
  ASSERT_EQ(::chmod(out.c_str(), 0640), 0);
  int pa = free_udp_port(), pb = free_udp_port();
  write_text(dir_ / "svc.toml",
             toml_peer_config(dir_ / "svc-a.pk", dir_ / "svc-a.sk", "127.0.0.1:" + std::to_string(pa),
                              dir_ / "svc-b.pk", "127.0.0.1:" + std::to_string(pb), out));
  Daemon a{std::make_unique<Process>(std::vector<std::string>{"-q", "exchange-config", dir_ / "svc.toml"},
                                     dir_ / "svc.out", dir_ / "svc.err",
                                     std::vector<std::string>{}, kService),
           out};
  auto b = start_config("b", "a", "127.0.0.1:" + std::to_string(pb), "");
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kService);
  EXPECT_EQ(st.st_gid, kService);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  // One warning at start, not one per key.
  EXPECT_EQ(count(a.proc->err(), "cannot create files in"), 1u) << a.proc->err();
  EXPECT_EQ(a.proc->err().find("ERROR"), std::string::npos) << a.proc->err();
  EXPECT_EQ(a.proc->stop(), 0);
  EXPECT_EQ(b.proc->stop(), 0);
}

// A root daemon without `user` keeps exactly what key output needs (CAP_DAC_OVERRIDE,
// CAP_CHOWN, CAP_FOWNER), so a key_out owned by another user, or inside another user's 0700
// directory, accepted at start stays writable after the drop; no key is lost.
TEST_F(Exchange, RootWithoutUserWritesKeyOutOwnedByOthers) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to own files as another user";
  constexpr uid_t kOther = 65534;
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  const std::string foreign = dir_ / "foreign.key";  // nobody:nogroup 0640 in a root 0755 dir
  write_text(foreign, "");
  ASSERT_EQ(::chown(foreign.c_str(), kOther, kOther), 0);
  ASSERT_EQ(::chmod(foreign.c_str(), 0640), 0);
  const std::string private_dir = dir_ / "nobody-only";  // nobody's 0700 directory
  ASSERT_EQ(::mkdir(private_dir.c_str(), 0700), 0);
  ASSERT_EQ(::chown(private_dir.c_str(), kOther, kOther), 0);
  int pa = free_udp_port(), pb = free_udp_port();
  Daemon a, b;
  a.key_out = foreign;
  b.key_out = private_dir + "/b.key";
  write_text(dir_ / "a.toml",
             toml_peer_config(key("a.pk"), key("a.sk"), "127.0.0.1:" + std::to_string(pa),
                              key("b.pk"), "127.0.0.1:" + std::to_string(pb), a.key_out));
  write_text(dir_ / "b.toml", toml_peer_config(key("b.pk"), key("b.sk"),
                                               "127.0.0.1:" + std::to_string(pb), key("a.pk"), "",
                                               b.key_out));
  a.proc = std::make_unique<Process>(
      std::vector<std::string>{"-v", "exchange-config", dir_ / "a.toml"}, dir_ / "a.out",
      dir_ / "a.err");
  b.proc = std::make_unique<Process>(
      std::vector<std::string>{"-v", "exchange-config", dir_ / "b.toml"}, dir_ / "b.out",
      dir_ / "b.err");
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  // CAP_CHOWN (0), CAP_DAC_OVERRIDE (1), CAP_FOWNER (3); nothing else, not even in the
  // bounding set.
  for (Daemon* d : {&a, &b}) {
    pid_t pid = d->proc->pid();
    EXPECT_EQ(status_field(pid, "Uid"), "0\t0\t0\t0");
    EXPECT_EQ(status_field(pid, "NoNewPrivs"), "1");
    EXPECT_EQ(status_field(pid, "CapEff"), "000000000000000b");
    EXPECT_EQ(status_field(pid, "CapBnd"), "000000000000000b");
    EXPECT_NE(d->proc->err().find("keeping CAP_DAC_OVERRIDE, CAP_CHOWN and CAP_FOWNER"),
              std::string::npos)
        << d->proc->err();
    EXPECT_EQ(d->proc->err().find("Permission denied"), std::string::npos) << d->proc->err();
    EXPECT_EQ(read_text(d->key_out).size(), 44u);
  }
  struct stat st {};
  ASSERT_EQ(::stat(foreign.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kOther);
  EXPECT_EQ(st.st_gid, kOther);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(a.proc->stop(SIGTERM), 0) << a.proc->err();
  EXPECT_EQ(b.proc->stop(SIGTERM), 0) << b.proc->err();
}

// Under --user the in-place fallback is decided at start, in the same words as without it,
// once: key_out pre-created for the service user in a root-owned directory.
TEST_F(Exchange, ServiceUserInPlaceWarningComesOnceAtStart) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch users";
  constexpr uid_t kService = 65534;
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir_ / "ro").c_str(), 0755), 0);
  const std::string out = dir_ / "ro/out.key";
  write_text(out, "");
  ASSERT_EQ(::chown(out.c_str(), kService, kService), 0);
  ASSERT_EQ(::chmod(out.c_str(), 0640), 0);
  int pa = free_udp_port(), pb = free_udp_port();
  write_text(dir_ / "svc.toml",
             toml_peer_config(key("a.pk"), key("a.sk"), "127.0.0.1:" + std::to_string(pa),
                              key("b.pk"), "127.0.0.1:" + std::to_string(pb), out));
  Daemon a{std::make_unique<Process>(
               std::vector<std::string>{"-q", "--user", "nobody", "exchange-config",
                                        dir_ / "svc.toml"},
               dir_ / "svc.out", dir_ / "svc.err"),
           out};
  // Before any key: the warning is there already.
  ASSERT_TRUE(wait_for([&] { return a.proc->err().find("cannot create files in") != std::string::npos; },
                       10s))
      << a.proc->err();
  auto b = start_config("b", "a", "127.0.0.1:" + std::to_string(pb), "");
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  EXPECT_EQ(count(a.proc->err(), "cannot create files in \"" + dir_ / "ro" +
                                     "\" (Permission denied (os error 13)); the key file is "
                                     "rewritten in place"),
            1u)
      << a.proc->err();
  EXPECT_EQ(a.proc->err().find("could not be replaced atomically"), std::string::npos)
      << a.proc->err();
  EXPECT_EQ(read_text(out).size(), 44u);
  EXPECT_EQ(a.proc->stop(), 0);
  EXPECT_EQ(b.proc->stop(), 0);
}

// A key that can not be written is reported as what it is (the peer, the file, the cause),
// not as a network problem ("re-initializing networking").
TEST_F(Exchange, KeyWriteFailureNamesThePeerAndTheCause) {
  const std::string gone = dir_ / "gone";
  ASSERT_EQ(::mkdir(gone.c_str(), 0700), 0);
  int pa = free_udp_port(), pb = free_udp_port();
  Daemon a;
  a.key_out = gone + "/a.key";
  write_text(dir_ / "a.toml", toml_peer_config(key("a.pk"), key("a.sk"),
                                               "127.0.0.1:" + std::to_string(pa), key("b.pk"), "",
                                               a.key_out));
  a.proc = std::make_unique<Process>(std::vector<std::string>{"exchange-config", dir_ / "a.toml"},
                                     dir_ / "a.out", dir_ / "a.err");
  std::this_thread::sleep_for(500ms);  // checked and prepared at start, while it existed
  ASSERT_TRUE(a.proc->running()) << a.proc->err();
  ASSERT_EQ(::rmdir(gone.c_str()), 0);
  auto b = start_config("b", "a", "127.0.0.1:" + std::to_string(pb), "127.0.0.1:" + std::to_string(pa));
  ASSERT_TRUE(wait_for([&] { return a.proc->err().find("could not deliver") != std::string::npos; },
                       20s))
      << a.proc->err();
  const std::string err = a.proc->err();
  EXPECT_NE(err.find("could not deliver the key exchanged with peer " + peer_id("b.pk") +
                     ": Could not write file \"" + a.key_out + "\""),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;
  EXPECT_EQ(err.find("re-initializing networking"), std::string::npos) << err;
  EXPECT_EQ(a.proc->stop(SIGTERM), 0) << err;
  EXPECT_EQ(b.proc->stop(SIGTERM), 0);
}

TEST_F(Exchange, GarbageDatagramsAreDroppedAndExplainedWhenVerbose) {
  int pa = free_udp_port(), pb = free_udp_port();
  auto b = start_config("b", "a", "127.0.0.1:" + std::to_string(pb), "");
  std::this_thread::sleep_for(300ms);  // let it bind
  ASSERT_TRUE(b.proc->running()) << b.proc->err();
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(pb));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<std::vector<uint8_t>> junk = {{},
                                            {0x81},
                                            std::vector<uint8_t>(1060, 0x81),
                                            std::vector<uint8_t>(1092, 0x81),
                                            std::vector<uint8_t>(176, 0x83),
                                            std::vector<uint8_t>(9000, 0xff)};
  for (int round = 0; round < 20; ++round) {
    for (const auto& j : junk) {
      ::sendto(fd, j.data(), j.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
  }
  ::close(fd);
  auto a =
      start_config("a", "b", "127.0.0.1:" + std::to_string(pa), "127.0.0.1:" + std::to_string(pb));
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  EXPECT_NE(b.proc->err().find("error processing incoming message from 127.0.0.1:"),
            std::string::npos)
      << b.proc->err();
  EXPECT_EQ(a.proc->stop(), 0);
  EXPECT_EQ(b.proc->stop(), 0);
}

TEST_F(Exchange, FixedProtocolVersions) {
  for (std::string v : {"V02", "V03", "V02-pc"}) {
    int pa = free_udp_port(), pb = free_udp_port();
    std::string la = "127.0.0.1:" + std::to_string(pa), lb = "127.0.0.1:" + std::to_string(pb);
    std::string pv = "protocol_version = \"" + v + "\"\n";
    ::unlink((dir_ / "a.osk").c_str());
    ::unlink((dir_ / "b.osk").c_str());
    auto a = start_config("a", "b", la, lb, v, pv);
    auto b = start_config("b", "a", lb, "", v, pv);
    ASSERT_TRUE(exchanged(a, b)) << v << "\n" << a.proc->err() << "\n---\n" << b.proc->err();
    // The printed id follows the peer's keyed hash: SHAKE256 for V03, BLAKE2b otherwise.
    auto hash = v == "V03" ? crypto::HashChoice::kShake256 : crypto::HashChoice::kBlake2b;
    EXPECT_NE(a.proc->out().find("output-key peer " + peer_id("b.pk", hash) + " "),
              std::string::npos)
        << v << ": " << a.proc->out();
    EXPECT_NE(b.proc->out().find("output-key peer " + peer_id("a.pk", hash) + " "),
              std::string::npos)
        << v << ": " << b.proc->out();
    EXPECT_EQ(a.proc->stop(), 0);
    EXPECT_EQ(b.proc->stop(), 0);
  }
}

TEST_F(Exchange, AutoResponderAnswersEachFixedInitiator) {
  for (std::string v : {"V03", "V02-pc"}) {
    int pa = free_udp_port(), pb = free_udp_port();
    std::string la = "127.0.0.1:" + std::to_string(pa), lb = "127.0.0.1:" + std::to_string(pb);
    ::unlink((dir_ / "a.osk").c_str());
    ::unlink((dir_ / "b.osk").c_str());
    auto a = start_config("a", "b", la, lb, v, "protocol_version = \"" + v + "\"\n");
    auto b = start_config("b", "a", lb, "", v);  // auto, responder only
    ASSERT_TRUE(exchanged(a, b)) << v << "\n" << a.proc->err() << "\n---\n" << b.proc->err();
    auto hash = v == "V03" ? crypto::HashChoice::kShake256 : crypto::HashChoice::kBlake2b;
    EXPECT_NE(b.proc->out().find("output-key peer " + peer_id("a.pk", hash) + " "),
              std::string::npos)
        << v << ": " << b.proc->out();
    EXPECT_EQ(a.proc->stop(), 0);
    EXPECT_EQ(b.proc->stop(), 0);
  }
}

TEST_F(Exchange, ClientModeWithoutListenAndSeveralListenAddresses) {
  // b listens on 127.0.0.1 and ::1 with one port; a has no `listen` (a kernel-chosen
  // dual-stack port) and reaches b through a host name that resolves to both.
  for (std::string host : {"localhost", "127.0.0.1", "[::1]"}) {
    int pb = free_udp_port();
    ::unlink((dir_ / "a.osk").c_str());
    ::unlink((dir_ / "b.osk").c_str());
    Daemon a, b;
    a.key_out = dir_ / "a.osk";
    b.key_out = dir_ / "b.osk";
    b.proc = std::make_unique<Process>(
        std::vector<std::string>{"exchange", "secret-key", key("b.sk"), "public-key", key("b.pk"),
                                 "listen", "127.0.0.1:" + std::to_string(pb), "listen",
                                 "[::1]:" + std::to_string(pb), "peer", "public-key", key("a.pk"),
                                 "outfile", b.key_out},
        dir_ / "b.out", dir_ / "b.err");
    a.proc = std::make_unique<Process>(
        std::vector<std::string>{"exchange", "secret-key", key("a.sk"), "public-key", key("a.pk"),
                                 "peer", "public-key", key("b.pk"), "endpoint",
                                 host + ":" + std::to_string(pb), "outfile", a.key_out},
        dir_ / "a.out", dir_ / "a.err");
    ASSERT_TRUE(exchanged(a, b)) << host << "\n" << a.proc->err() << "\n---\n" << b.proc->err();
    EXPECT_EQ(a.proc->stop(), 0);
    EXPECT_EQ(b.proc->stop(), 0);
  }
}

TEST_F(Exchange, ExchangeGrammarOnIPv6) {
  int pa = free_udp_port(AF_INET6), pb = free_udp_port(AF_INET6);
  Daemon a, b;
  a.key_out = dir_ / "a.osk";
  b.key_out = dir_ / "b.osk";
  a.proc = std::make_unique<Process>(
      std::vector<std::string>{"exchange", "-c", dir_ / "a-saved.toml", "secret-key", key("a.sk"),
                               "public-key", key("a.pk"), "listen", "[::1]:" + std::to_string(pa),
                               "peer", "public-key", key("b.pk"), "endpoint",
                               "::1:" + std::to_string(pb), "outfile", a.key_out},
      dir_ / "a.out", dir_ / "a.err");
  b.proc = std::make_unique<Process>(
      std::vector<std::string>{"exchange", "private-key", key("b.sk"), "public-key", key("b.pk"),
                               "listen", "[::1]:" + std::to_string(pb), "peer", "public-key",
                               key("a.pk"), "outfile", b.key_out},
      dir_ / "b.out", dir_ / "b.err");
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  EXPECT_TRUE(exists(dir_ / "a-saved.toml"));
  EXPECT_EQ(a.proc->stop(), 0);
  EXPECT_EQ(b.proc->stop(), 0);
  // The saved configuration starts the same daemon again.
  auto v = run_rosenpass_bin(dir_, {"validate", dir_ / "a-saved.toml"});
  EXPECT_NE(v.err.find("has passed all logical checks"), std::string::npos) << v.err;
}

TEST_F(Exchange, RestartedPeerGetsNewEqualKeys) {
  int pa = free_udp_port(), pb = free_udp_port();
  std::string la = "127.0.0.1:" + std::to_string(pa), lb = "127.0.0.1:" + std::to_string(pb);
  auto a = start_config("a", "b", la, lb);
  auto b = start_config("b", "a", lb, la);
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  std::string first = read_text(a.key_out);
  EXPECT_EQ(b.proc->stop(), 0);
  std::size_t before = count(a.proc->out(), " exchanged\n");
  auto b2 = start_config("b", "a", lb, la, "-restarted");
  ASSERT_TRUE(wait_for(
      [&] {
        return count(a.proc->out(), " exchanged\n") > before &&
               count(b2.proc->out(), " exchanged\n") >= 1 &&
               read_text(a.key_out) == read_text(b2.key_out);
      },
      30s))
      << a.proc->err() << "\n---\n"
      << b2.proc->err();
  EXPECT_NE(read_text(a.key_out), first);
  EXPECT_EQ(a.proc->stop(), 0);
  EXPECT_EQ(b2.proc->stop(), 0);
}

TEST_F(Exchange, SimultaneousStartTenTimes) {
  for (int round = 0; round < 10; ++round) {
    int pa = free_udp_port(), pb = free_udp_port();
    std::string la = "127.0.0.1:" + std::to_string(pa), lb = "127.0.0.1:" + std::to_string(pb);
    std::string tag = "-" + std::to_string(round);
    ::unlink((dir_ / "a.osk").c_str());
    ::unlink((dir_ / "b.osk").c_str());
    auto a = start_config("a", "b", la, lb, tag);
    auto b = start_config("b", "a", lb, la, tag);
    ASSERT_TRUE(exchanged(a, b)) << "round " << round << "\n"
                                 << a.proc->err() << "\n---\n"
                                 << b.proc->err();
    EXPECT_EQ(a.proc->stop(), 0);
    EXPECT_EQ(b.proc->stop(), 0);
  }
}

TEST_F(Exchange, PortInUseIsAnErrorAndWritesNothing) {
  int port = free_udp_port();
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  auto a = start_config("a", "b", "127.0.0.1:" + std::to_string(port), "127.0.0.1:9");
  auto code = a.proc->wait(20s);
  ::close(fd);
  EXPECT_EQ(code, 1);
  EXPECT_NE(a.proc->err().find("Address already in use (os error 98)"), std::string::npos)
      << a.proc->err();
  EXPECT_FALSE(exists(a.key_out));
  EXPECT_EQ(a.proc->out(), "");
}

TEST_F(Exchange, BadWireGuardPeerKeyStopsStartup) {
  write_text(dir_ / "c.toml",
             toml_peer_config(key("a.pk"), key("a.sk"), "", key("b.pk"), "", dir_ / "out", "",
                              "device = \"rpwg-none0\"\npeer = \"peer\"\n"));
  auto r = run_rosenpass_bin(dir_, {"exchange-config", dir_ / "c.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Failed to parse peer id b64"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir_ / "out"));
}

TEST_F(Exchange, V023ConfigAndLegacySecretKeys) {
  // Secret keys in v0.2.x's 13568-byte s||g||alpha layout, and configs as v0.2.3 writes them.
  for (const char* n : {"a", "b"}) {
    std::string sk = read_text(key(std::string(n) + ".sk"));
    ASSERT_EQ(sk.size(), 13608u);
    std::string legacy = sk.substr(13032) + sk.substr(40, 13032 - 40);
    write_text(dir_ / (std::string(n) + "-legacy.sk"), legacy);
  }
  int pa = free_udp_port(), pb = free_udp_port();
  auto config = [&](const std::string& self, const std::string& other, int listen, int peer) {
    return "public_key = \"" + key(self + ".pk") + "\"\nsecret_key = \"" +
           dir_ / (self + "-legacy.sk") + "\"\nlisten = [\"127.0.0.1:" + std::to_string(listen) +
           "\"]\nverbosity = \"Quiet\"\n\n[[peers]]\npublic_key = \"" + key(other + ".pk") +
           "\"\nendpoint = \"localhost:" + std::to_string(peer) + "\"\nkey_out = \"" +
           dir_ / (self + ".osk") + "\"\nexchange_command = []\n";
  };
  write_text(dir_ / "a.toml", config("a", "b", pa, pb));
  write_text(dir_ / "b.toml", config("b", "a", pb, pa));
  Daemon a{
      std::make_unique<Process>(std::vector<std::string>{"-q", "exchange-config", dir_ / "a.toml"},
                                dir_ / "a.out", dir_ / "a.err"),
      dir_ / "a.osk"};
  Daemon b{std::make_unique<Process>(std::vector<std::string>{"exchange-config", dir_ / "b.toml"},
                                     dir_ / "b.out", dir_ / "b.err"),
           dir_ / "b.osk"};
  ASSERT_TRUE(exchanged(a, b)) << a.proc->err() << "\n---\n" << b.proc->err();
  // -q shows warnings: the legacy key and the v0.2.3 key are reported, not refused.
  EXPECT_NE(a.proc->err().find("13568"), std::string::npos) << a.proc->err();
  // Once, in one wording (issue #16: validation and the daemon both reported it).
  std::string err = a.proc->err();
  std::size_t mentions = 0;
  for (std::size_t p = 0; (p = err.find("v0.2.x", p)) != std::string::npos; ++p) ++mentions;
  EXPECT_EQ(mentions, 1u) << err;
  EXPECT_NE(a.proc->err().find("exchange_command"), std::string::npos) << a.proc->err();
  EXPECT_EQ(b.proc->err(), "");  // default level: errors only
  EXPECT_EQ(a.proc->stop(), 0);
  EXPECT_EQ(b.proc->stop(SIGQUIT), 0);
}

#endif  // RP_HAVE_PROTOCOL

}  // namespace
}  // namespace rosenpass::test
