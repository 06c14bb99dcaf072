// BrokerPskSink: delivers PSKs as SetPsk requests to a broker (§4.6 broker mode, §4.7):
// over a unix socket path (--psk-broker-path), an inherited fd (--psk-broker-fd), or a socket
// handler it spawns itself with fd 3 as its end of a socketpair (--psk-broker-spawn).
// Like the reference it does not wait for responses; they are drained on later calls.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rosenpass/wireguard/broker_protocol.h"
#include "rosenpass/wireguard/psk_sink.h"

namespace rosenpass::wireguard {

class BrokerPskSink final : public PskSink {
 public:
  // Receives "Error from PSK broker: …" for every non-success response (log it as a warning).
  using ErrorHandler = std::function<void(const std::string&)>;

  // The broker protocol only sets PSKs; it cannot re-add a WireGuard peer.
  bool can_rehandshake() const override { return false; }

  // Connects to a listening socket handler.
  static std::variant<std::unique_ptr<BrokerPskSink>, std::string> connect_path(
      const std::filesystem::path& path);
  // Takes ownership of a connected stream socket.
  static std::unique_ptr<BrokerPskSink> from_fd(int fd);
  // Spawns `command` (default: rosenpass-wireguard-broker-socket-handler --stream-fd 3) with
  // fd 3 connected to us.
  static std::variant<std::unique_ptr<BrokerPskSink>, std::string> spawn(
      std::vector<std::string> command = {});

  ~BrokerPskSink() override;
  BrokerPskSink(const BrokerPskSink&) = delete;
  BrokerPskSink& operator=(const BrokerPskSink&) = delete;

  void on_error(ErrorHandler handler) { on_error_ = std::move(handler); }

  // Sends the request; kFailed on I/O failure (the broker is gone), kRejected if the
  // interface name is longer than 255 bytes. Pending responses are drained first.
  PskDeliveryResult install(const WireGuardPeerTarget& target,
                            std::span<const uint8_t, 32> psk) override;

  // Reads whatever responses have arrived, waiting up to `timeout_ms` for at least
  // `want` of them. Returns false on a malformed response or a closed connection.
  bool drain(int timeout_ms = 0, std::size_t want = 0);
  // Responses received so far, in order (for tests and diagnostics).
  const std::vector<broker::ReturnCode>& responses() const { return responses_; }
  // The socket to poll for responses in an event loop.
  int fd() const { return fd_; }
  // For a spawned broker: its exit status once it has exited ("PSK broker exited."), else nullopt.
  std::optional<int> child_exit_status();
  pid_t child_pid() const { return child_; }

 private:
  BrokerPskSink(int fd, pid_t child);
  int fd_;
  pid_t child_;
  std::optional<int> child_status_;
  broker::FrameReader reader_{broker::kSetPskRequestSize};
  std::vector<broker::ReturnCode> responses_;
  ErrorHandler on_error_;
};

}  // namespace rosenpass::wireguard
