// restrict_syscalls() loads the filters rp_seccomp_bpf_gen compiled at build time: each test
// confines a forked child and reports through its exit status (the filter stays in the child).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "rosenpass/hardening/sandbox.h"

namespace rosenpass::hardening {
namespace {

// Runs `body` in a child confined to `profile`; returns the raw wait status.
template <typename F>
int confined_child(SyscallProfile profile, F body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (restrict_syscalls(profile)) ::_exit(90);
    ::_exit(body());
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return st;
}

bool killed_by_sigsys(int st) {
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

TEST(SeccompFilter, NetworkServiceAllowsItsCallsAndKillsOnExec) {
  if (!RP_SECCOMP_FILTER) GTEST_SKIP() << "sanitizer build: no seccomp filter";
  // A UDP socket and a pipe round trip: calls on the list.
  int st = confined_child(SyscallProfile::kNetworkService, [] {
    int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    int p[2];
    if (s < 0 || ::pipe2(p, 0) != 0) return 1;
    char c = 'x';
    if (::write(p[1], &c, 1) != 1 || ::read(p[0], &c, 1) != 1) return 2;
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
  // execve is not on the network service's list: the process is killed.
  st = confined_child(SyscallProfile::kNetworkService, [] {
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    ::execve("/bin/true", argv, environ);
    return 3;
  });
  EXPECT_TRUE(killed_by_sigsys(st)) << st;
}

TEST(SeccompFilter, SpawnerMayForkAndExec) {
  if (!RP_SECCOMP_FILTER) GTEST_SKIP() << "sanitizer build: no seccomp filter";
  int st = confined_child(SyscallProfile::kSpawner, [] {
    pid_t child = ::fork();
    if (child < 0) return 1;
    if (child == 0) {
      char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
      ::execve("/bin/true", argv, environ);
      ::_exit(4);
    }
    int cst = 0;
    if (::waitpid(child, &cst, 0) != child) return 2;
    return WIFEXITED(cst) && WEXITSTATUS(cst) == 0 ? 0 : 3;
  });
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST(SeccompFilter, Clone3FailsWithEnosysSoGlibcFallsBack) {
  if (!RP_SECCOMP_FILTER) GTEST_SKIP() << "sanitizer build: no seccomp filter";
#ifdef __NR_clone3
  int st = confined_child(SyscallProfile::kSpawner, [] {
    long r = ::syscall(__NR_clone3, nullptr, 0);
    return r == -1 && errno == ENOSYS ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
#else
  GTEST_SKIP() << "no clone3 on this architecture";
#endif
}

}  // namespace
}  // namespace rosenpass::hardening
