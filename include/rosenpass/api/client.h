// A blocking control-API client (docs/api.md): `rosenpass status`, `add-peer`, `remove-peer`
// and the tests use it. One request at a time, fds sent with the request by SCM_RIGHTS.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/api/messages.h"
#include "rosenpass/base/fd.h"
#include "rosenpass/base/result.h"

namespace rosenpass::api {

// A response, or an error whose message names what failed (connect, send, receive, decode).
using ClientResult = base::Result<Response>;

class Client {
 public:
  // Connects to the unix stream socket at `path`.
  static base::Result<Client> connect(const std::string& path);
  // Takes an already connected stream (e.g. one end of a socketpair).
  explicit Client(base::UniqueFd fd) : fd_(std::move(fd)) {}

  // Sends `request` with `fds` (at most two, not closed) and waits up to `timeout` for the
  // response.
  ClientResult call(const Request& request, std::span<const int> fds = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Every peer, following ListPeers pages; the first page's header fields, all peers.
  base::Result<ListPeersResponse> list_all_peers();

  int fd() const { return fd_.get(); }

 private:
  base::UniqueFd fd_;
};

// Sends raw bytes with fds on a connected stream (all bytes, fds on the first sendmsg).
// Returns an errno value, 0 on success.
int send_with_fds(int fd, std::span<const uint8_t> bytes, std::span<const int> fds);

}  // namespace rosenpass::api
