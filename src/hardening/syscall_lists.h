// The system-call allow-lists of the seccomp filters (sandbox.h SyscallProfile). Read at
// build time by seccomp_gen/seccomp_bpf_gen.cpp, which compiles them with libseccomp into the
// BPF programs restrict_syscalls() loads (generated seccomp_filters.h): the daemon then does
// not build and optimise the filter at every start, and does not load libseccomp at all.
#pragma once

namespace rosenpass::hardening::syscall_lists {

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

}  // namespace rosenpass::hardening::syscall_lists
