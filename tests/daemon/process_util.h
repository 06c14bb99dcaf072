// Running the real `rosenpass` program in tests: spawn with output to files, wait with a
// deadline, stop by PID. Every process a test starts is killed by its destructor.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon_test_util.h"

namespace rosenpass::test {

inline const char* rosenpass_bin() {
  return RP_ROSENPASS_BIN;
}

class Process {
 public:
  // Starts `rosenpass args...` with stdout/stderr going to `out_path`/`err_path`.
  // With `as_user` (uid = gid, e.g. 65534 "nobody"), it runs as that user, as a service would.
  Process(const std::vector<std::string>& args, const std::string& out_path,
          const std::string& err_path, const std::vector<std::string>& env = {},
          std::optional<uid_t> as_user = std::nullopt)
      : out_(out_path), err_(err_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      if (as_user && (::setgroups(0, nullptr) != 0 || ::setgid(*as_user) != 0 ||
                      ::setuid(*as_user) != 0)) {
        ::_exit(126);
      }
      for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(rosenpass_bin()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(rosenpass_bin(), argv.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    if (status_) return false;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = st;
      return false;
    }
    return true;
  }
  // Exit code (or 128+signal) once exited within `timeout`; nullopt if still running.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!status_) return std::nullopt;
    return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : 128 + WTERMSIG(*status_);
  }
  // SIGTERM (or `sig`), then the exit code; SIGKILL after 5 s.
  std::optional<int> stop(int sig = SIGTERM) {
    if (running()) ::kill(pid_, sig);
    auto code = wait(std::chrono::seconds(5));
    if (!code) {
      ::kill(pid_, SIGKILL);
      code = wait(std::chrono::seconds(5));
      return std::nullopt;
    }
    return code;
  }
  std::string out() const { return read_text(out_); }
  std::string err() const { return read_text(err_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_, err_;
};

// Runs rosenpass to completion (bounded); returns exit code, stdout, stderr.
struct Finished {
  int code = -1;
  std::string out, err;
};
inline Finished run_rosenpass_bin(const ScratchDir& dir, const std::vector<std::string>& args,
                                  std::chrono::seconds timeout = std::chrono::seconds(30)) {
  static int counter = 0;
  std::string tag = std::to_string(++counter);
  Process p(args, dir / ("run" + tag + ".out"), dir / ("run" + tag + ".err"));
  auto code = p.wait(timeout);
  return {code.value_or(-1), p.out(), p.err()};
}

// A UDP port that was free a moment ago on `family`'s loopback.
inline int free_udp_port(int family = AF_INET) {
  int fd = ::socket(family, SOCK_DGRAM, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    len = sizeof *a;
  }
  ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  int port = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)
                               : ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  ::close(fd);
  return port;
}

// A field of /proc/<pid>/status ("Uid", "NoNewPrivs", ...), as written there.
inline std::string status_field(pid_t pid, const std::string& field) {
  std::string text = read_text("/proc/" + std::to_string(pid) + "/status");
  auto at = text.find("\n" + field + ":");
  if (at == std::string::npos) return "";
  auto start = text.find_first_not_of(" \t", at + field.size() + 2);
  return text.substr(start, text.find('\n', start) - start);
}

}  // namespace rosenpass::test
