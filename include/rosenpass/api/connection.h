// One control-API connection as a sans-IO object (application.md §5.2, §5.5): bytes and
// received fds go in, response bytes come out, each complete request goes to a
// RequestHandler. The socket side (daemon shell) only moves bytes and fds.
//
//   while (conn.wants_input()) { n = recvmsg(up to conn.input_capacity()); conn.on_input(...); }
//   write(conn.output()); conn.on_written(n);   close when conn.finished()
//
// Rules: one request at a time (the next is not decoded until the previous response has been
// written); a length prefix above kMaxRequestSize, an unknown type, a response type, a frame
// shorter than its message, or an undefined field value closes the connection after pending
// output is flushed, and nothing else is affected. Up to kMaxFdsPerRequest fds received since
// the previous request go with a request; surplus ones are closed, and all are closed after
// the request is handled unless the handler took them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/api/messages.h"
#include "rosenpass/base/fd.h"

namespace rosenpass::api {

// The fds that came with a request, in order; a handler may take (move out) any of them.
using RequestFds = std::array<base::UniqueFd, kMaxFdsPerRequest>;

// What the daemon does for each request. Every method returns the full response.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual uint64_t supply_keypair(RequestFds& fds) = 0;     // SupplyKeypair status
  virtual uint64_t add_listen_socket(RequestFds& fds) = 0;  // AddListenSocket status
  virtual uint64_t add_psk_broker(RequestFds& fds) = 0;     // AddPskBroker status
  virtual AddPeerResponse add_peer(const AddPeerRequest& r, RequestFds& fds) = 0;
  virtual uint64_t update_peer(const UpdatePeerRequest& r, RequestFds& fds) = 0;
  virtual uint64_t remove_peer(const RemovePeerRequest& r) = 0;
  virtual ListPeersResponse list_peers(const ListPeersRequest& r) = 0;
};

// Answers one decoded request through `h` (Ping is answered here: it is pure).
Response dispatch(const Request& request, RequestHandler& h, RequestFds& fds);

class Connection {
 public:
  explicit Connection(RequestHandler& handler) : handler_(handler) {}

  // Whether the socket side should read now: false while a response is pending or once the
  // connection is closing.
  bool wants_input() const { return !closing_ && out_.empty(); }
  // How many bytes to read at most (never more than the current frame needs).
  std::size_t input_capacity() const;
  // Bytes read and the fds that arrived with them (ownership taken). May dispatch a request.
  void on_input(std::span<const uint8_t> bytes, std::vector<base::UniqueFd> fds = {});
  // The client closed its side; a partial frame is discarded.
  void on_eof();

  std::span<const uint8_t> output() const {
    return {out_.data() + out_pos_, out_.size() - out_pos_};
  }
  void on_written(std::size_t n);

  // Done: closing and all output written. The socket side closes the socket.
  bool finished() const { return closing_ && output().empty(); }
  // Why it is closing ("" while open), for one log line.
  const std::string& close_reason() const { return close_reason_; }
  // Stop reading (e.g. the client stopped reading our output for too long).
  void close(std::string reason);

 private:
  void process();

  RequestHandler& handler_;
  std::array<uint8_t, kLengthSize> length_bytes_{};
  std::size_t length_have_ = 0;
  std::vector<uint8_t> payload_;
  std::size_t payload_need_ = 0;  // valid once length_have_ == kLengthSize
  std::vector<base::UniqueFd> fds_;
  std::vector<uint8_t> out_;
  std::size_t out_pos_ = 0;
  bool closing_ = false;
  std::string close_reason_;
};

}  // namespace rosenpass::api
