// BrokerPskSink: delivers PSKs as SetPsk requests to a broker (§4.6 broker mode, §4.7):
// over a unix socket path (--psk-broker-path), an inherited fd (--psk-broker-fd), or a socket
// handler it spawns itself with fd 3 as its end of a socketpair (--psk-broker-spawn).
// Like the reference it does not wait for responses; they are drained on later calls.
//
// A spawned broker that dies (parity 43) is noticed at once through watch_fd() (a pidfd in
// the sink's own epoll set), reaped, reported, and spawned again after a back-off (0.2 s,
// doubling to 30 s while it keeps dying within 10 s of its start); the newest key of every
// target is then sent again. Keys installed while it is down are kept and sent then too,
// so a dead broker costs no event-loop failure. A loop that does not watch watch_fd() still
// gets all this, later: install() first catches up on deaths and due restarts.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rosenpass/base/process.h"
#include "rosenpass/base/result.h"
#include "rosenpass/crypto/secret.h"
#include "rosenpass/wireguard/broker_protocol.h"
#include "rosenpass/wireguard/psk_sink.h"

namespace rosenpass::wireguard {

class BrokerPskSink final : public PskSink {
 public:
  using Clock = std::chrono::steady_clock;
  // Receives "Error from PSK broker: …" for every non-success response (log it as a warning).
  using ErrorHandler = std::function<void(const std::string&)>;
  // The spawned broker's life: it exited (log as error), was restarted (info), or could not
  // be restarted (error; retried after the back-off). Without a lifecycle handler these
  // messages go to the error handler.
  enum class Lifecycle { kExited, kRestarted, kRestartFailed };
  using LifecycleHandler = std::function<void(Lifecycle, const std::string&)>;

  // The broker protocol only sets PSKs; it cannot re-add a WireGuard peer.
  bool can_rehandshake() const override { return false; }

  // Connects to a listening socket handler. Error: "could not connect to PSK broker at
  // <path>" caused by the reason.
  static base::Result<std::unique_ptr<BrokerPskSink>> connect_path(
      const std::filesystem::path& path);
  // Takes ownership of a connected stream socket.
  static std::unique_ptr<BrokerPskSink> from_fd(int fd);
  // Spawns `command` (default: rosenpass-wireguard-broker-socket-handler --stream-fd 3) with
  // fd 3 connected to us; the same command is used to respawn it. Error: "could not spawn PSK
  // broker" caused by why (e.g. "could not run <program>: No such file or directory").
  static base::Result<std::unique_ptr<BrokerPskSink>> spawn(std::vector<std::string> command = {});

  ~BrokerPskSink() override;
  BrokerPskSink(const BrokerPskSink&) = delete;
  BrokerPskSink& operator=(const BrokerPskSink&) = delete;

  void on_error(ErrorHandler handler) { on_error_ = std::move(handler); }
  void on_lifecycle(LifecycleHandler handler) { on_lifecycle_ = std::move(handler); }

  // Sends the request; kFailed on I/O failure of a broker we cannot restart, kRejected if
  // the interface name is longer than 255 bytes. Pending responses are drained first. The
  // key is remembered per target (locked memory) for a restarted broker.
  base::SinkStatus install(const WireGuardPeerTarget& target,
                           std::span<const uint8_t, 32> psk) override;

  // Readable when a response arrived, the spawned broker exited, or its restart is due.
  int watch_fd() const override { return watch_; }
  // Drains responses, reaps and reports a dead broker, restarts it when due. Never blocks.
  void on_ready(Clock::time_point now) override;

  // Reads whatever responses have arrived, waiting up to `timeout_ms` for at least
  // `want` of them. Returns false on a malformed response or a closed connection.
  bool drain(int timeout_ms = 0, std::size_t want = 0);
  // Responses received so far, in order (for tests and diagnostics).
  const std::vector<broker::ReturnCode>& responses() const { return responses_; }
  // The socket to the current broker (-1 while a spawned broker is down).
  int fd() const { return fd_; }
  // For a spawned broker: its exit status once it has exited ("PSK broker exited."), else nullopt.
  std::optional<int> child_exit_status();
  pid_t child_pid() const { return child_; }
  // How often the spawned broker was restarted.
  int restarts() const { return restarts_; }

 private:
  struct Latest;  // the newest key per target
  BrokerPskSink(int fd, pid_t child, std::vector<std::string> command);
  void watch(int fd, uint64_t tag);
  void unwatch(int fd);
  void broker_died(base::ExitStatus status, Clock::time_point now);
  void restart(Clock::time_point now);
  std::chrono::milliseconds arm_backoff(Clock::time_point now);
  void report(Lifecycle what, const std::string& message);
  bool send_request(const WireGuardPeerTarget& target, std::span<const uint8_t, 32> psk);

  int fd_;
  pid_t child_;
  std::vector<std::string> command_;  // empty unless spawned
  std::optional<int> child_status_;
  int watch_ = -1;   // epoll set: socket, pidfd, restart timer
  int pidfd_ = -1;
  int timer_ = -1;
  bool down_ = false;
  int quick_deaths_ = 0;
  int restarts_ = 0;
  Clock::time_point started_ = Clock::now();
  std::unique_ptr<broker::FrameReader> reader_;
  std::vector<broker::ReturnCode> responses_;
  std::vector<std::unique_ptr<Latest>> latest_;
  ErrorHandler on_error_;
  LifecycleHandler on_lifecycle_;
};

}  // namespace rosenpass::wireguard
