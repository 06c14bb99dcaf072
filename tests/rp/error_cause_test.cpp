// rp errors name the real cause (issue #16): an unreadable `wgsk` is "Permission denied", a
// missing one "No such file or directory".
#include <grp.h>
#include <sched.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rosenpass/rp/config.h"
#include "rosenpass/rp/exchange.h"
#include "rosenpass/rp/keys.h"

namespace rosenpass::rp {
namespace {

constexpr uid_t kServiceUid = 65534;  // nobody

struct Dir {
  std::filesystem::path path;
  Dir() {
    char tmpl[] = "/tmp/rp-cause-XXXXXX";
    path = ::mkdtemp(tmpl);
    ::chmod(path.c_str(), 0755);
  }
  ~Dir() { std::filesystem::remove_all(path); }
};

// Runs `rp exchange` on `priv` (as the service user if `as_service_user`); the error text.
std::string exchange_error(const std::filesystem::path& priv, bool as_service_user) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) return "pipe";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    if (as_service_user && (::setgroups(0, nullptr) != 0 || ::setgid(kServiceUid) != 0 ||
                            ::setuid(kServiceUid) != 0)) {
      ::_exit(90);
    }
    ExchangeOptions o;
    o.private_keys_dir = priv.string();
    ExchangeEnvironment env;
    std::string text;
    env.error = [&](const std::string& m) { text += m; };
    env.info = [](const std::string&) {};
    run_exchange(o, env);
    (void)!::write(pipefd[1], text.data(), text.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

TEST(RpErrors, UnreadableWireGuardSecretKeyIsPermissionDenied) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a root-only key";
  Dir d;
  auto priv = d.path / "priv";
  std::filesystem::create_directory(priv);
  ::chmod(priv.c_str(), 0755);
  std::ofstream(priv / "wgsk") << "not read anyway\n";
  ::chmod((priv / "wgsk").c_str(), 0600);
  std::string err = exchange_error(priv, true);
  EXPECT_NE(err.find("wgsk"), std::string::npos) << err;
  EXPECT_NE(err.find("Permission denied"), std::string::npos) << err;
}

TEST(RpErrors, MissingWireGuardSecretKeyIsNoSuchFile) {
  Dir d;
  std::string err = exchange_error(d.path / "nothing-here", false);
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;
  EXPECT_EQ(err.find("Permission denied"), std::string::npos) << err;
}

TEST(RpErrors, ReadSmallFileSaysWhy) {
  Dir d;
  auto dir = read_small_file(d.path, 53);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().message, "Is a directory");
  std::ofstream(d.path / "big") << std::string(60, 'A');
  auto big = read_small_file(d.path / "big", 53);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "larger than 53 bytes");
}

TEST(RpErrors, MissingWireguardGoSaysWhy) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
  Dir d;
  auto priv = d.path / "priv";
  // A fast stand-in keypair: only sizes matter before the interface is made.
  auto fake = [](kem::mceliece460896::PublicKey& pk, kem::mceliece460896::SecretKey& sk) {
    pk.fill(1);
    std::fill(sk.reveal_mut().begin(), sk.reveal_mut().end(), uint8_t{2});
  };
  ASSERT_TRUE(genkey(priv, fake, [](const std::string&) {}).ok());
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    // A network namespace of our own: whatever rp creates vanishes with it.
    if (::unshare(CLONE_NEWNET) != 0) ::_exit(90);
    ExchangeOptions o;
    o.private_keys_dir = priv.string();
    o.dev = "rpnogo0";
    ExchangeEnvironment env;
    env.wireguard_go = "/nonexistent/wireguard-go";
    std::string text;
    env.error = [&](const std::string& m) { text += m; };
    env.info = [](const std::string&) {};
    int rc = run_exchange(o, env);
    (void)!::write(pipefd[1], text.data(), text.size());
    ::_exit(rc == 0 ? 91 : 0);
  }
  ::close(pipefd[1]);
  std::string err;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 90) GTEST_SKIP() << "no network namespaces";
  if (err.find("the kernel has no WireGuard") == std::string::npos) {
    GTEST_SKIP() << "this kernel has WireGuard: " << err;
  }
  EXPECT_NE(err.find("/nonexistent/wireguard-go could not be started: No such file or directory"),
            std::string::npos)
      << err;
}

TEST(RpErrors, UnreadableConfigSaysWhy) {
  Dir d;
  auto r = load_exchange_config((d.path / "missing.toml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("No such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace rosenpass::rp
