#include "rosenpass/base/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace rosenpass::base {
namespace {

Error os_error(std::string message, int err) {
  return Error{std::move(message), {std::strerror(err)}};
}

// Whether a seccomp filter is installed on us (/proc/self/status "Seccomp:" not 0).
bool seccomp_filtered() {
  UniqueFd fd(::open("/proc/self/status", O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return true;  // cannot tell: be careful
  std::string text;
  char buf[1024];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  auto pos = text.find("\nSeccomp:");
  if (pos == std::string::npos) return false;
  auto value = text.find_first_not_of(" \t", pos + 9);
  return value != std::string::npos && text[value] != '0';
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited()) return "exited with status " + std::to_string(code);
  return "was killed by signal " + std::to_string(signal);
}

ExitStatus ExitStatus::from_wait_status(int status) {
  if (WIFSIGNALED(status)) return {0, WTERMSIG(status)};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 255, 0};
}

Result<pid_t> spawn(std::span<const std::string> argv, const SpawnOptions& options) {
  if (argv.empty()) return make_error("could not run a program: no command given");
  const std::string what = "could not run " + argv[0];
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  // Each source is first copied to a fresh close-on-exec fd above every target, so one
  // mapping's target can never clobber another's source, and dup2 onto the target (a
  // different number) clears close-on-exec there.
  int highest_target = 2;
  for (const auto& m : options.fds) highest_target = std::max(highest_target, m.to);
  std::vector<UniqueFd> copies;
  posix_spawn_file_actions_t actions;
  if (int e = posix_spawn_file_actions_init(&actions); e != 0) return os_error(what, e);
  int err = 0;
  for (const auto& m : options.fds) {
    UniqueFd copy(::fcntl(m.from, F_DUPFD_CLOEXEC, highest_target + 1));
    if (!copy.valid()) {
      err = errno;
      break;
    }
    if (int e = posix_spawn_file_actions_adddup2(&actions, copy.get(), m.to); e != 0) {
      err = e;
      break;
    }
    copies.push_back(std::move(copy));
  }
  // Nothing else crosses the exec, even descriptors someone forgot to mark close-on-exec.
  if (err == 0) err = posix_spawn_file_actions_addclosefrom_np(&actions, highest_target + 1);
  pid_t pid = -1;
  if (err == 0) err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return os_error(what, err);
  return pid;
}

Result<ExitStatus> wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return os_error("could not wait for process " + std::to_string(pid), errno);
  }
  return ExitStatus::from_wait_status(status);
}

std::optional<ExitStatus> try_wait(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid) return ExitStatus::from_wait_status(status);
  if (r < 0 && errno == ECHILD) return ExitStatus{255, 0};
  return std::nullopt;
}

ExitStatus stop(pid_t pid, int signal, std::chrono::milliseconds grace) {
  if (signal != 0) ::kill(pid, signal);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (true) {
    if (auto st = try_wait(pid)) return *st;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  auto st = wait(pid);
  return st ? *st : ExitStatus{0, SIGKILL};
}

UniqueFd open_pidfd(pid_t pid) {
  // (Debian 12's <sys/pidfd.h> lacks C linkage, so the system call is made directly.)
  if (seccomp_filtered()) return UniqueFd();
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

}  // namespace rosenpass::base
