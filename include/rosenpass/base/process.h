// Starting a program and waiting for it: the one spawn for the daemon, the brokers and rp.
// posix_spawnp (PATH search like execvp); the child gets exactly fds 0-2 (inherited unless
// mapped) and the fds named in `fds`; every other descriptor is closed in the child whether
// or not it is close-on-exec. Signal mask and ignored signals are inherited, as with
// fork/exec.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/base/fd.h"
#include "rosenpass/base/result.h"

namespace rosenpass::base {

// How a child ended (waitpid's status, decoded).
struct ExitStatus {
  int code = 0;    // exit status, when exited()
  int signal = 0;  // terminating signal, when !exited()

  bool exited() const { return signal == 0; }
  bool success() const { return exited() && code == 0; }
  // The shell's number: the exit status, or 128 + the signal.
  int shell_code() const { return exited() ? code : 128 + signal; }
  // "exited with status N" or "was killed by signal N".
  std::string describe() const;
  static ExitStatus from_wait_status(int status);
};

// One descriptor to pass: the parent's `from` becomes `to` in the child (e.g. {sock, 3}, or
// {pipe_read_end, 0} for stdin). `from` itself is not passed.
struct FdMapping {
  int from;
  int to;
};

struct SpawnOptions {
  std::vector<FdMapping> fds;
};

// Starts argv[0] (searched in PATH when it has no '/') with `argv`. Errors: "could not run
// <argv[0]>" caused by the system's reason ("No such file or directory" for a missing
// program, "Permission denied", …); an empty argv is refused.
Result<pid_t> spawn(std::span<const std::string> argv, const SpawnOptions& options = {});

// Waits for `pid` to end (EINTR retried). Errors: waitpid's reason (e.g. ECHILD).
Result<ExitStatus> wait(pid_t pid);

// The child's status if it has ended (reaps it), nullopt while it runs. A child reaped
// elsewhere (ECHILD) counts as ended with status 255.
std::optional<ExitStatus> try_wait(pid_t pid);

// Sends `signal` (none when 0), waits up to `grace` for the child to end, then SIGKILLs it
// and waits. Returns how it ended.
ExitStatus stop(pid_t pid, int signal, std::chrono::milliseconds grace);

// A descriptor readable when `pid` ends (pidfd_open, Linux 5.3), or an invalid one where
// unsupported or when a seccomp filter is active (a filter may kill us for the new syscall):
// callers then learn of the death another way (a socket's EOF, polling try_wait).
UniqueFd open_pidfd(pid_t pid);

}  // namespace rosenpass::base
