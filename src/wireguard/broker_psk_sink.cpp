#include "rosenpass/wireguard/broker_psk_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::wireguard {

using broker::ReturnCode;

std::variant<std::unique_ptr<BrokerPskSink>, std::string> BrokerPskSink::connect_path(
    const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) return "PSK broker socket path too long: " + p;
  std::memcpy(addr.sun_path, p.data(), p.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string err = "could not connect to PSK broker at " + p + ": " + std::strerror(errno);
    ::close(fd);
    return err;
  }
  return std::unique_ptr<BrokerPskSink>(new BrokerPskSink(fd));
}

std::unique_ptr<BrokerPskSink> BrokerPskSink::from_fd(int fd) {
  return std::unique_ptr<BrokerPskSink>(new BrokerPskSink(fd));
}

std::variant<std::unique_ptr<BrokerPskSink>, std::string> BrokerPskSink::spawn(
    std::vector<std::string> command) {
  if (command.empty()) {
    command = {"rosenpass-wireguard-broker-socket-handler", "--stream-fd", "3"};
  }
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return std::string("socketpair: ") + std::strerror(errno);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the copy, so only fd 3 crosses the exec.
    if (::dup2(sv[1], 3) < 0) ::_exit(127);
    std::vector<char*> argv;
    for (auto& a : command) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(sv[1]);
  return std::unique_ptr<BrokerPskSink>(new BrokerPskSink(sv[0], pid));
}

BrokerPskSink::~BrokerPskSink() {
  if (fd_ >= 0) ::close(fd_);
  if (child_ > 0 && !child_status_) {
    // Closing our end makes the socket handler exit; wait briefly, then insist.
    for (int i = 0; i < 60; ++i) {
      if (child_exit_status()) return;
      ::usleep(50'000);
    }
    ::kill(child_, SIGKILL);
    ::waitpid(child_, nullptr, 0);
  }
}

std::optional<int> BrokerPskSink::child_exit_status() {
  if (child_status_ || child_ <= 0) return child_status_;
  int status = 0;
  if (::waitpid(child_, &status, WNOHANG) == child_) {
    child_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return child_status_;
}

bool BrokerPskSink::drain(int timeout_ms, std::size_t want) {
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
    if (!reader_.feed({chunk, static_cast<std::size_t>(n)})) return false;
    while (auto payload = reader_.next()) {
      auto code = broker::decode_response(*payload);
      if (!code) return false;
      responses_.push_back(*code);
      if (*code != ReturnCode::kSuccess && on_error_) {
        on_error_("Error from PSK broker: " + std::string(broker::describe(*code)));
      }
    }
  }
}

PskDeliveryResult BrokerPskSink::install(const WireGuardPeerTarget& target,
                                         std::span<const uint8_t, 32> psk) {
  if (!drain(0)) return {PskDeliveryStatus::kFailed, "PSK broker connection failed"};
  broker::SetPskRequest req{crypto::Secret<32>::from(psk), target.peer, target.device};
  auto payload = broker::encode_request(req);
  if (!payload) return {PskDeliveryStatus::kRejected, "Interface name size is out of bounds."};
  // One buffer, one send: a frame is never split between two writers.
  std::array<uint8_t, broker::kFrameHeaderSize + broker::kSetPskRequestSize> frame{};
  auto header = broker::encode_frame_header(payload->size());
  std::memcpy(frame.data(), header.data(), header.size());
  std::memcpy(frame.data() + header.size(), payload->data(), payload->size());
  crypto::secure_zero(payload->data(), payload->size());
  std::size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  crypto::secure_zero(frame.data(), frame.size());
  if (sent < frame.size()) {
    return {PskDeliveryStatus::kFailed,
            std::string("could not send to PSK broker: ") + std::strerror(errno)};
  }
  return {};
}

}  // namespace rosenpass::wireguard
