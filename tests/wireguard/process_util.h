// Test helpers: child processes killed by PID on scope exit, network namespaces removed by
// the name we created, shell commands with captured output. Everything is time-bounded.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace rosenpass::test {

inline bool is_root() {
  return ::geteuid() == 0;
}

// Runs `cmd` through /bin/sh; returns its exit status and fills `out` with stdout.
inline int run_shell(const std::string& cmd, std::string* out = nullptr) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf{};
  std::string text;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  int status = ::pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Polls `cond` every 50 ms until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

// A started child; SIGTERM (then SIGKILL) to its PID when it goes out of scope.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path = "",
                        const std::vector<std::string>& env = {}) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      if (!stdout_path.empty()) {
        FILE* f = std::fopen(stdout_path.c_str(), "w");
        if (f) {
          ::dup2(fileno(f), 1);
          ::dup2(fileno(f), 2);
        }
      }
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&& o) noexcept {
    stop();
    pid_ = o.pid_;
    o.pid_ = -1;
    return *this;
  }
  ~ChildProcess() { stop(); }
  pid_t pid() const { return pid_; }
  bool running() {
    if (pid_ <= 0) return false;
    int status;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return false;
    }
    return true;
  }
  // Sends `sig` and waits up to `timeout` for exit; returns the exit status (-1 if still alive).
  int signal_and_wait(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (pid_ > 0) ::kill(pid_, sig);
    wait_until([&] { return !running(); }, timeout);
    return pid_ > 0 ? -1 : exit_status_;
  }
  void stop() {
    if (pid_ <= 0) return;
    if (signal_and_wait(SIGTERM, std::chrono::seconds(3)) == -1 && pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  int exit_status() const { return exit_status_; }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// A network namespace with a unique name, deleted (by that name) on scope exit.
class NetNamespace {
 public:
  explicit NetNamespace(const std::string& tag)
      : name_("rpt" + tag + std::to_string(::getpid() % 100000)) {
    run_shell("ip netns del " + name_ + " 2>/dev/null");
    ok_ = run_shell("ip netns add " + name_) == 0 &&
          run_shell("ip netns exec " + name_ + " ip link set lo up") == 0;
  }
  ~NetNamespace() { run_shell("ip netns del " + name_); }
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // `cmd` run inside the namespace.
  std::string exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }
  int run(const std::string& cmd, std::string* out = nullptr) const {
    return run_shell(exec(cmd), out);
  }
  std::vector<std::string> argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {"ip", "netns", "exec", name_});
    return args;
  }

 private:
  std::string name_;
  bool ok_ = false;
};

// wireguard-go for `device` inside `ns`, in the foreground so we own its PID.
inline ChildProcess start_wireguard_go(const NetNamespace& ns, const std::string& device,
                                       const std::string& log_path = "/dev/null") {
  ChildProcess p(ns.argv({"wireguard-go", "-f", device}), log_path);
  std::string sock = "/var/run/wireguard/" + device + ".sock";
  wait_until([&] { return std::filesystem::exists(sock); }, std::chrono::seconds(10));
  return p;
}

inline bool have_program(const std::string& name) {
  return run_shell("command -v " + name + " >/dev/null") == 0;
}

}  // namespace rosenpass::test

namespace rosenpass::test {

// Runs `fn` in a forked child that has joined namespace `ns_name`; returns fn's result
// (or -1 if the child could not join or crashed). Keeps the test process's namespace intact.
inline int run_in_netns(const std::string& ns_name, const std::function<int()>& fn) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(("/var/run/netns/" + ns_name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(255);
    ::_exit(fn());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) != 255 ? WEXITSTATUS(status) : -1;
}

}  // namespace rosenpass::test
