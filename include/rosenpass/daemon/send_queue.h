// The shell's send policy for one socket (#17 item 3), without the socket: cookie replies and
// other answers to unauthenticated, possibly spoofed sources (Datagram::Priority::kReply)
// never take room that peer traffic needs, and peer datagrams are not lost to a full socket.
// daemon.cpp drives it with its UDP sockets; tests drive it with a fake one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "rosenpass/daemon/runtime.h"

namespace rosenpass::daemon {

class SendQueue {
 public:
  // What the policy needs of a socket.
  class Socket {
   public:
    virtual ~Socket() = default;
    // Sends one datagram without blocking: 0, or an errno (EAGAIN/EWOULDBLOCK/ENOBUFS: full).
    virtual int send(const Datagram& d) = 0;
    // Bytes waiting in the kernel's send buffer and the buffer's size; nullopt if unknown.
    struct Fill {
      std::size_t queued = 0;
      std::size_t size = 0;
    };
    virtual std::optional<Fill> fill() const = 0;
  };

  // A send that failed for another reason than a full socket: the caller reports it to the
  // Runtime (send_failed(): the next address is tried) and logs it, rate-limited.
  struct Failed {
    Datagram datagram;
    int error = 0;
  };

  // Peer datagrams waiting for the socket to become writable; beyond this the oldest go.
  static constexpr std::size_t kMaxQueued = 1024;

  // kPeer: sent at once, or queued (in order) while the socket is full or others wait.
  // kReply: sent only while no peer datagram waits and the send buffer is at most half full;
  // otherwise dropped and counted (replies_dropped()), never queued.
  std::optional<Failed> offer(Datagram d, Socket& s);
  // On writability: sends the waiting peer datagrams in order until the socket is full again.
  std::vector<Failed> flush(Socket& s);

  bool waiting() const { return !pending_.empty(); }  // watch the socket for writability
  uint64_t replies_dropped() const { return replies_dropped_; }
  uint64_t peer_dropped() const { return peer_dropped_; }  // queue overflow

 private:
  std::deque<Datagram> pending_;
  uint64_t replies_dropped_ = 0;
  uint64_t peer_dropped_ = 0;
};

}  // namespace rosenpass::daemon
