#include "rosenpass/hardening/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <memory>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(RP_SANITIZED_BUILD)
#define RP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define RP_SANITIZED 1
#endif
#endif

namespace rosenpass::hardening {
namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}
base::Error errno_error(const std::string& what) {
  return base::make_error(errno_text(what.c_str()));
}

// The system calls of the daemon's event loop, key output and PSK delivery (netlink, UAPI,
// broker), the brokers' loops and the control API's unix sockets, under glibc 2.36 (Debian 12);
// checked with `strace -f` on a confined loopback exchange and by the confined tests in
// tests/daemon (process_test) and tests/wireguard (vpn_e2e), plus what libsodium's locked
// memory, glibc's malloc and abort() may call. Kept in one list: the programs share most of
// it, and a too-small list shows up as a SIGSYS kill in those tests. Absent on purpose:
// ptrace, mount, bpf, module and key-ring calls, set*id, chroot, kexec, perf, io_uring, exec
// (except for kSpawner).
constexpr const char* kCommon[] = {
    // memory (malloc, sodium_malloc guard pages, mlock of secrets)
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mlock", "munlock", "mlock2",
    // time and sleeping
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    // signals, threads, exit
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "signalfd4",
    // stopping and reaping the helper a broker or the daemon started before confinement
    "kill", "wait4", "waitid",
    "tgkill", "tkill", "getpid", "gettid", "getppid", "futex", "set_robust_list", "rseq",
    "sched_yield", "sched_getaffinity", "exit", "exit_group", "restart_syscall", "prctl",
    "getrandom",
    // identity queries (logging, permission decisions)
    "getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid", "getresgid", "capget",
    "uname", "getrlimit", "prlimit64",
    // files: reading keys, writing key_out atomically (temp file, fsync, rename) or in place
    "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close", "openat",
    "open", "newfstatat", "fstat", "stat", "lstat", "statx", "faccessat", "faccessat2",
    "access", "readlink", "readlinkat", "getcwd", "fcntl", "dup", "dup2", "dup3", "pipe2",
    "ioctl", "fsync", "fdatasync", "ftruncate", "fchmod", "fchown", "rename", "renameat",
    "renameat2", "unlink", "unlinkat", "umask", "getdents64",
    // event loop
    "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "poll", "ppoll", "select",
    "pselect6", "eventfd2", "timerfd_create", "timerfd_settime", "timerfd_gettime",
    // sockets: UDP (peers), netlink (kernel WireGuard), unix (UAPI, broker, control API)
    "socket", "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname",
    "getpeername", "setsockopt", "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg",
    "sendmmsg", "recvmmsg", "shutdown",
};

// Process creation for the programs that start helpers (and the helpers' own start-up).
constexpr const char* kSpawn[] = {
    "fork",    "vfork",      "clone",           "execve",      "execveat", "setsid",
    "setpgid", "arch_prctl", "set_tid_address", "close_range", "setrlimit", "statfs",
    "fstatfs",
};

struct SeccompContext {
  scmp_filter_ctx ctx;
  ~SeccompContext() { seccomp_release(ctx); }
};

}  // namespace

base::Result<UserIdentity> lookup_user(std::string_view name_or_uid) {
  std::string name(name_or_uid);
  passwd pw{}, *found = nullptr;
  std::vector<char> buf(16384);
  uid_t uid = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), uid);
  bool numeric = ec == std::errc() && p == name.data() + name.size() && !name.empty();
  int rc = numeric ? ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found)
                   : ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  UserIdentity u;
  if (rc != 0 || !found) {
    if (!numeric) return base::make_error("no such user \"" + name + "\"");
    // A bare number without a passwd entry: its own group, no supplementary groups.
    u.name = name;
    u.uid = uid;
    u.gid = static_cast<gid_t>(uid);
    return u;
  }
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  int n = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    ::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n);
  }
  groups.resize(static_cast<std::size_t>(std::max(n, 0)));
  u.groups = std::move(groups);
  return u;
}

base::Status switch_user(const UserIdentity& user) {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno_error("keeping capabilities");
  if (::setgroups(user.groups.size(), user.groups.data()) != 0) {
    return errno_error("setting the groups of user \"" + user.name + "\"");
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0) {
    return errno_error("switching to the group of user \"" + user.name + "\"");
  }
  if (::setresuid(user.uid, user.uid, user.uid) != 0) {
    return errno_error("switching to user \"" + user.name + "\"");
  }
  ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  // Make sure there is no way back.
  if (user.uid != 0 && ::setresuid(0, 0, 0) == 0) return base::make_error("could not give up root");
  // The switch cleared the effective set; make the kept permitted set effective again so the
  // caller can cut it down (dropping from the bounding set needs CAP_SETPCAP effective).
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return errno_error("capget");
  for (auto& d : data) d.effective = d.permitted;
  if (::syscall(SYS_capset, &header, data) != 0) return errno_error("capset");
  return base::Ok{};
}

bool seccomp_filter_in_this_build() {
#ifdef RP_SANITIZED
  return false;
#else
  return true;
#endif
}

std::optional<std::string> restrict_syscalls(SyscallProfile profile) {
  // No exec can ever gain privileges again (setuid binaries, file capabilities).
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno_text("setting no_new_privs");
  if (!seccomp_filter_in_this_build()) return std::nullopt;
  SeccompContext c{seccomp_init(SCMP_ACT_KILL_PROCESS)};
  if (!c.ctx) return std::string("seccomp_init failed");
  auto allow = [&](const char* name) -> std::optional<std::string> {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) return std::nullopt;  // not on this architecture
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ALLOW, nr, 0); rc != 0) {
      return std::string("seccomp rule for ") + name + ": " + std::strerror(-rc);
    }
    return std::nullopt;
  };
  for (const char* name : kCommon) {
    if (auto e = allow(name)) return e;
  }
  if (profile == SyscallProfile::kSpawner) {
    for (const char* name : kSpawn) {
      if (auto e = allow(name)) return e;
    }
  }
  // glibc tries clone3 first and falls back to clone on ENOSYS.
  if (int nr = seccomp_syscall_resolve_name("clone3"); nr != __NR_SCMP_ERROR) {
    seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
  }
  if (int rc = seccomp_load(c.ctx); rc != 0) {
    return std::string("installing the seccomp filter: ") + std::strerror(-rc);
  }
  return std::nullopt;
}

}  // namespace rosenpass::hardening
