#include "rosenpass/wireguard/broker_psk_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "rosenpass/base/io.h"
#include "rosenpass/base/process.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::wireguard {

using broker::ReturnCode;

struct BrokerPskSink::Latest {
  std::string device;
  WgPublicKey peer{};
  crypto::Secret<32> psk;
};

namespace {

constexpr uint64_t kTagSocket = 1, kTagPid = 2, kTagTimer = 3;
constexpr auto kFirstBackoff = std::chrono::milliseconds(200);
constexpr auto kMaxBackoff = std::chrono::seconds(30);
constexpr auto kHealthyLife = std::chrono::seconds(10);  // a broker that lived this long was fine

// True once a seccomp filter confines this process (/proc/self/status "Seccomp: 2"). A
// filter may kill us for a system call it does not list, so then nothing new is tried.
// A descriptor that becomes readable when `pid` exits (Linux 5.3); -1 where unsupported or
// under a seccomp filter. Without it, the broker socket's end of file tells of the death.
int open_pidfd(pid_t pid) {
  return base::open_pidfd(pid).release();
}

void configure_socket(int fd) {
  // A stalled broker must not block the daemon's event loop for long.
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Starts `command` with fd 3 connected to the returned socket.
base::Result<std::pair<int, pid_t>> start_broker(std::vector<std::string> command) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return base::make_error(std::string("socketpair: ") + std::strerror(errno));
  }
  auto pid = base::spawn(command, {{{sv[1], 3}}});
  ::close(sv[1]);
  if (!pid) {
    ::close(sv[0]);
    return base::make_error(pid.error().message + ": " + pid.error().causes.back());
  }
  return std::pair{sv[0], *pid};
}

std::string seconds(std::chrono::milliseconds d) {
  std::string s = std::to_string(static_cast<double>(d.count()) / 1000.0);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + " s";
}

}  // namespace

BrokerPskSink::BrokerPskSink(int fd, pid_t child, std::vector<std::string> command)
    : fd_(fd),
      child_(child),
      command_(std::move(command)),
      reader_(std::make_unique<broker::FrameReader>(broker::kSetPskRequestSize)) {
  configure_socket(fd_);
  watch_ = ::epoll_create1(EPOLL_CLOEXEC);
  watch(fd_, kTagSocket);
  if (child_ > 0) {
    pidfd_ = open_pidfd(child_);  // -1 on kernels before 5.3: the socket's EOF tells then
    watch(pidfd_, kTagPid);
    timer_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    watch(timer_, kTagTimer);
  }
}

void BrokerPskSink::watch(int fd, uint64_t tag) {
  if (fd < 0 || watch_ < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  ::epoll_ctl(watch_, EPOLL_CTL_ADD, fd, &ev);
}

void BrokerPskSink::unwatch(int fd) {
  if (fd >= 0 && watch_ >= 0) ::epoll_ctl(watch_, EPOLL_CTL_DEL, fd, nullptr);
}

base::Result<std::unique_ptr<BrokerPskSink>> BrokerPskSink::connect_path(
    const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string p = path.string();
  auto fail = [&](std::string why) {
    return base::Error{"could not connect to PSK broker at " + p, {std::move(why)}};
  };
  if (p.size() >= sizeof addr.sun_path) return fail("the socket path is too long");
  std::memcpy(addr.sun_path, p.data(), p.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return fail(err);
  }
  return std::unique_ptr<BrokerPskSink>(new BrokerPskSink(fd, -1, {}));
}

std::unique_ptr<BrokerPskSink> BrokerPskSink::from_fd(int fd) {
  return std::unique_ptr<BrokerPskSink>(new BrokerPskSink(fd, -1, {}));
}

base::Result<std::unique_ptr<BrokerPskSink>> BrokerPskSink::spawn(
    std::vector<std::string> command) {
  if (command.empty()) {
    command = {"rosenpass-wireguard-broker-socket-handler", "--stream-fd", "3"};
  }
  auto started = start_broker(command);
  if (!started) return started.error().context("could not spawn PSK broker");
  auto [fd, pid] = *started;
  return std::unique_ptr<BrokerPskSink>(new BrokerPskSink(fd, pid, std::move(command)));
}

BrokerPskSink::~BrokerPskSink() {
  on_lifecycle_ = nullptr;
  on_error_ = nullptr;  // the end of the sink is no broker failure worth reporting
  if (fd_ >= 0) ::close(fd_);
  if (child_ > 0 && !child_status_) {
    // Closing our end makes the socket handler exit; wait briefly, then insist.
    base::stop(child_, 0, std::chrono::seconds(3));
  }
  for (int fd : {pidfd_, timer_, watch_}) {
    if (fd >= 0) ::close(fd);
  }
}

std::optional<int> BrokerPskSink::child_exit_status() {
  if (child_status_ || child_ <= 0) return child_status_;
  if (auto status = base::try_wait(child_)) {
    child_status_ = status->shell_code();
    // Reaped here (tests poll this): the loop must still hear of it and restart the broker.
    broker_died(*status, Clock::now());
  }
  return child_status_;
}

void BrokerPskSink::broker_died(base::ExitStatus status, Clock::time_point now) {
  if (down_) return;
  down_ = true;
  child_status_ = status.shell_code();
  unwatch(fd_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  unwatch(pidfd_);
  if (pidfd_ >= 0) ::close(pidfd_);
  pidfd_ = -1;
  reader_ = std::make_unique<broker::FrameReader>(broker::kSetPskRequestSize);
  auto delay = arm_backoff(now);
  if (on_lifecycle_ || on_error_) {
    report(Lifecycle::kExited, "PSK broker (pid " + std::to_string(child_) + ") " +
                                   status.describe() + "; restarting it in " + seconds(delay));
  }
}

std::chrono::milliseconds BrokerPskSink::arm_backoff(Clock::time_point now) {
  quick_deaths_ = now - started_ < kHealthyLife ? quick_deaths_ + 1 : 1;
  auto delay = std::min<std::chrono::milliseconds>(
      kFirstBackoff * (1 << std::min(quick_deaths_ - 1, 10)), kMaxBackoff);
  itimerspec when{};
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count();
  when.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  when.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  ::timerfd_settime(timer_, 0, &when, nullptr);
  return delay;
}

void BrokerPskSink::report(Lifecycle what, const std::string& message) {
  if (on_lifecycle_) {
    on_lifecycle_(what, message);
  } else if (on_error_) {
    on_error_(message);  // a shell that only logs broker errors still hears of it
  }
}

void BrokerPskSink::restart(Clock::time_point now) {
  if (!down_ || command_.empty()) return;
  auto started = start_broker(command_);
  if (!started) {
    started_ = now;  // counts as a quick death: the back-off grows
    auto delay = arm_backoff(now);
    if (on_lifecycle_ || on_error_) {
      report(Lifecycle::kRestartFailed,
             "could not restart the PSK broker: " + started.error().message + "; trying again in " +
                 seconds(delay));
    }
    return;
  }
  std::tie(fd_, child_) = *started;
  configure_socket(fd_);
  child_status_.reset();
  pidfd_ = open_pidfd(child_);
  watch(fd_, kTagSocket);
  watch(pidfd_, kTagPid);
  down_ = false;
  started_ = now;
  ++restarts_;
  if (on_lifecycle_ || on_error_) {
    report(Lifecycle::kRestarted,
                  "PSK broker restarted (pid " + std::to_string(child_) + "); sending the newest key of " +
                      std::to_string(latest_.size()) + " peer(s) again");
  }
  for (const auto& l : latest_) {
    WireGuardPeerTarget t{l->device, l->peer, {}};
    if (!send_request(t, l->psk.reveal())) break;  // died again: the pidfd reports it
  }
}

void BrokerPskSink::on_ready(Clock::time_point now) {
  std::array<epoll_event, 4> events{};
  int n = ::epoll_wait(watch_, events.data(), static_cast<int>(events.size()), 0);
  for (int i = 0; i < n; ++i) {
    switch (events[i].data.u64) {
      case kTagSocket:
        if (fd_ >= 0 && !drain(0)) {
          unwatch(fd_);  // closed (or garbage): stop waking the loop for it
          if (child_ > 0 && pidfd_ < 0 && !down_) {
            // No pidfd on this kernel: a broker that closed its end is useless; end it.
            ::kill(child_, SIGKILL);
            if (auto status = base::wait(child_)) broker_died(*status, now);
          } else if (child_ <= 0 && on_error_) {
            on_error_("PSK broker closed the connection");
          }
        }
        break;
      case kTagPid: {
        // Reaped elsewhere (SIGCHLD ignored) counts as dead with status 255.
        if (!down_) {
          if (auto status = base::try_wait(child_)) broker_died(*status, now);
        }
        break;
      }
      case kTagTimer: {
        uint64_t expirations = 0;
        if (::read(timer_, &expirations, sizeof expirations) == sizeof expirations) restart(now);
        break;
      }
      default:
        break;
    }
  }
}

bool BrokerPskSink::drain(int timeout_ms, std::size_t want) {
  if (fd_ < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::size_t start = responses_.size();
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    bool enough = responses_.size() - start >= want;
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, enough ? 0 : static_cast<int>(std::max<long>(left, 0)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r == 0;
    uint8_t chunk[512];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    if (!reader_->feed({chunk, static_cast<std::size_t>(n)})) return false;
    while (auto payload = reader_->next()) {
      auto code = broker::decode_response(*payload);
      if (!code) return false;
      responses_.push_back(*code);
      if (*code != ReturnCode::kSuccess && on_error_) {
        on_error_("Error from PSK broker: " + std::string(broker::describe(*code)));
      }
    }
  }
}

bool BrokerPskSink::send_request(const WireGuardPeerTarget& target,
                                 std::span<const uint8_t, 32> psk) {
  if (fd_ < 0) return false;
  broker::SetPskRequest req{crypto::Secret<32>::from(psk), target.peer, target.device};
  auto payload = broker::encode_request(req);
  if (!payload) return false;
  // One buffer, one send: a frame is never split between two writers.
  std::array<uint8_t, broker::kFrameHeaderSize + broker::kSetPskRequestSize> frame{};
  auto header = broker::encode_frame_header(payload->size());
  std::memcpy(frame.data(), header.data(), header.size());
  std::memcpy(frame.data() + header.size(), payload->data(), payload->size());
  crypto::wipe(*payload);
  int err = base::send_all(fd_, frame);
  crypto::wipe(frame);
  errno = err;
  return err == 0;
}

base::SinkStatus BrokerPskSink::install(const WireGuardPeerTarget& target,
                                        std::span<const uint8_t, 32> psk) {
  if (target.device.size() > broker::kMaxInterfaceNameSize) {
    return base::SinkError::rejected("Interface name size is out of bounds.");
  }
  if (!command_.empty()) {
    // Remember the newest key per target: a restarted broker gets it again.
    auto it = std::find_if(latest_.begin(), latest_.end(), [&](const auto& l) {
      return l->device == target.device && l->peer == target.peer;
    });
    if (it == latest_.end()) {
      latest_.push_back(std::make_unique<Latest>());
      latest_.back()->device = target.device;
      latest_.back()->peer = target.peer;
      it = latest_.end() - 1;
    }
    std::memcpy((*it)->psk.reveal_mut().data(), psk.data(), psk.size());
  }
  // Catch up on what the event loop may not have told us (a loop that does not watch
  // watch_fd() still gets deaths noticed and restarts done, at key events). A restart here
  // has just sent this key.
  const int restarts_before = restarts_;
  on_ready(Clock::now());
  if (restarts_ != restarts_before) return base::Ok{};
  if (!command_.empty() && down_) return base::Ok{};  // sent when the broker is back
  bool ok = drain(0) && send_request(target, psk);
  if (ok) return base::Ok{};
  int err = errno;
  if (!command_.empty()) {
    // The spawned broker is gone (or useless): end it now, restart it after the back-off;
    // the key just remembered goes out then.
    ::kill(child_, SIGKILL);
    if (auto status = base::wait(child_)) broker_died(*status, Clock::now());
    return base::Ok{};
  }
  if (fd_ < 0 || err == 0) return base::SinkError::failed("PSK broker connection failed");
  return base::SinkError::failed(std::string("could not send to PSK broker: ") +
                                 std::strerror(err));
}

}  // namespace rosenpass::wireguard
