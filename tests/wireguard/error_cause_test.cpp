// Errors name the real cause (issue #16): a root-only UAPI socket is "Permission denied" for a
// service user, not "no userspace WireGuard socket exists".
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "rosenpass/wireguard/backend.h"

namespace rosenpass::wireguard {
namespace {

constexpr uid_t kServiceUid = 65534;  // nobody

TEST(WireGuardErrors, RootOnlyUapiSocketIsPermissionDeniedForAServiceUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a root-only socket";
  char tmpl[] = "/tmp/rp-wgperm-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::filesystem::path dir = tmpl;
  ASSERT_EQ(::chmod(tmpl, 0755), 0);
  const std::string dev = "rpperm0";
  const std::string sock_path = (dir / (dev + ".sock")).string();
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, sock_path.data(), sock_path.size());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  ASSERT_EQ(::chmod(sock_path.c_str(), 0600), 0);  // as wireguard-go makes it: root only

  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(kServiceUid) != 0 || ::setuid(kServiceUid) != 0)
      ::_exit(90);
    auto backend = make_auto_backend(dir);
    auto r = backend->get_device(dev);
    std::string msg =
        !r.ok() ? std::to_string(static_cast<int>(r.error().kind)) + " " + r.error().message : "ok";
    (void)!::write(pipefd[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(listener);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(msg.substr(0, 2), std::to_string(static_cast<int>(WgErrorKind::kPermission)) + " ")
      << msg;
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
  EXPECT_NE(msg.find(sock_path), std::string::npos) << msg;
  EXPECT_EQ(msg.find("no userspace WireGuard socket"), std::string::npos) << msg;
}

TEST(WireGuardErrors, ProbeSaysWhyASocketIsUnusable) {
  char tmpl[] = "/tmp/rp-wgprobe-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  EXPECT_EQ(uapi_socket_probe(tmpl, "nosuch0"), ENOENT);
  EXPECT_EQ(uapi_socket_probe(tmpl, ""), EINVAL);
  EXPECT_EQ(uapi_socket_probe(tmpl, "../etc"), EINVAL);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace rosenpass::wireguard
