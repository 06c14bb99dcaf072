#include "rosenpass/base/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace rosenpass::base {
namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

ExitStatus run(const std::vector<std::string>& argv) {
  auto pid = spawn(argv);
  EXPECT_TRUE(pid.ok()) << pid.error().chain();
  auto st = wait(*pid);
  EXPECT_TRUE(st.ok());
  return *st;
}

TEST(Spawn, ExitCodes) {
  for (int code : {0, 1, 7, 127, 255}) {
    auto st = run({"sh", "-c", "exit " + std::to_string(code)});
    EXPECT_TRUE(st.exited());
    EXPECT_EQ(st.code, code);
    EXPECT_EQ(st.success(), code == 0);
    EXPECT_EQ(st.shell_code(), code);
    EXPECT_EQ(st.describe(), "exited with status " + std::to_string(code));
  }
}

TEST(Spawn, KilledBySignal) {
  auto st = run({"sh", "-c", "kill -TERM $$"});
  EXPECT_FALSE(st.exited());
  EXPECT_FALSE(st.success());
  EXPECT_EQ(st.signal, SIGTERM);
  EXPECT_EQ(st.shell_code(), 128 + SIGTERM);
  EXPECT_EQ(st.describe(), "was killed by signal " + std::to_string(SIGTERM));
}

TEST(Spawn, MissingProgramIsAnErrorNamingIt) {
  const std::vector<std::string> argv{"/nonexistent/rp-no-such-program", "x"};
  auto pid = spawn(argv);
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().message, "could not run /nonexistent/rp-no-such-program");
  ASSERT_EQ(pid.error().causes.size(), 1u);
  EXPECT_EQ(pid.error().causes[0], "No such file or directory");
  // Searched in PATH too.
  const std::vector<std::string> bare{"rp-no-such-program-" + std::to_string(::getpid())};
  EXPECT_FALSE(spawn(bare).ok());
  EXPECT_FALSE(spawn(std::vector<std::string>{}).ok());
}

TEST(Spawn, MapsDescriptorsAndClosesTheRest) {
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  // A descriptor someone forgot to mark close-on-exec must not reach the child.
  int leaked = ::fcntl(out[1], F_DUPFD, 50);
  ASSERT_GE(leaked, 50);
  int in[2];
  ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
  // stdin from one pipe, stdout and fd 3 onto another.
  auto pid = spawn(std::vector<std::string>{"sh", "-c",
                                            "read x; echo \"got $x\"; echo three >&3; "
                                            "ls /proc/self/fd"},
                   {{{in[0], 0}, {out[1], 1}, {out[1], 3}}});
  ASSERT_TRUE(pid.ok()) << pid.error().chain();
  ::close(in[0]);
  ::close(out[1]);
  ::close(leaked);
  ASSERT_EQ(::write(in[1], "hello\n", 6), 6);
  ::close(in[1]);
  std::string text = read_all(out[0]);
  ::close(out[0]);
  auto st = wait(*pid);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->success());
  EXPECT_EQ(text.substr(0, 16), "got hello\nthree\n");
  // ls's own descriptors: 0-3 (3 is ours or its directory), nothing from our table.
  EXPECT_EQ(text.find("\n50\n"), std::string::npos) << text;
}

TEST(Spawn, StopEscalatesToSigkill) {
  // Ends on SIGTERM.
  auto pid = spawn(std::vector<std::string>{"sleep", "30"});
  ASSERT_TRUE(pid.ok());
  auto st = stop(*pid, SIGTERM, std::chrono::seconds(5));
  EXPECT_EQ(st.signal, SIGTERM);
  // Ignores SIGTERM: killed after the grace period.
  int in[2], out[2];
  ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  pid = spawn(std::vector<std::string>{"sh", "-c", "trap '' TERM; echo ready; read x"},
              {{{in[0], 0}, {out[1], 1}}});
  ASSERT_TRUE(pid.ok());
  ::close(in[0]);
  ::close(out[1]);
  char ready[6] = {};
  ASSERT_EQ(::read(out[0], ready, sizeof ready), 6);  // the trap is set
  st = stop(*pid, SIGTERM, std::chrono::milliseconds(200));
  EXPECT_EQ(st.signal, SIGKILL);
  ::close(in[1]);
  ::close(out[0]);
}

TEST(Spawn, TryWaitAndPidfd) {
  int in[2];
  ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
  auto pid = spawn(std::vector<std::string>{"sh", "-c", "read x; exit 3"}, {{{in[0], 0}}});
  ASSERT_TRUE(pid.ok());
  ::close(in[0]);
  EXPECT_FALSE(try_wait(*pid).has_value());
  UniqueFd pidfd = open_pidfd(*pid);
  ::close(in[1]);  // the child reads EOF and exits
  if (pidfd.valid()) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(pidfd.get(), &r);
    timeval tv{10, 0};
    EXPECT_EQ(::select(pidfd.get() + 1, &r, nullptr, nullptr, &tv), 1);
  }
  auto st = wait(*pid);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->code, 3);
  // Reaped: waiting again is an error, polling reports it as gone.
  EXPECT_FALSE(wait(*pid).ok());
  EXPECT_TRUE(try_wait(*pid).has_value());
}

}  // namespace
}  // namespace rosenpass::base
