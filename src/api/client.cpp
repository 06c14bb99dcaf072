#include "rosenpass/api/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace rosenpass::api {
namespace {

// Upper bound on a response we accept: a ListPeers page of 64 peers with long endpoints.
constexpr std::size_t kMaxResponseSize = 1 << 20;

base::Error errno_error(const char* what, int err) {
  return base::make_error(std::string(what) + ": " + std::strerror(err));
}

// Reads exactly out.size() bytes before `deadline`.
base::Status read_exact(int fd, std::span<uint8_t> out,
                        std::chrono::steady_clock::time_point deadline) {
  std::size_t have = 0;
  while (have < out.size()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return base::make_error("no response from the daemon within the time limit");
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) return errno_error("poll", errno);
    if (r <= 0) continue;
    ssize_t n = ::recv(fd, out.data() + have, out.size() - have, 0);
    if (n == 0) return base::make_error("the daemon closed the connection (request refused)");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno_error("receive", errno);
    }
    have += static_cast<std::size_t>(n);
  }
  return base::Ok{};
}

}  // namespace

int send_with_fds(int fd, std::span<const uint8_t> bytes, std::span<const int> fds) {
  bool first = true;
  while (!bytes.empty() || first) {
    iovec iov{const_cast<uint8_t*>(bytes.data()), bytes.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)]{};
    if (first && !fds.empty()) {
      if (fds.size() > 8) return EINVAL;
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
      std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    first = false;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return 0;
}

base::Result<Client> Client::connect(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return base::make_error("socket path too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  base::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return errno_error("socket", errno);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return base::make_error("cannot connect to the rosenpass API socket " + path + ": " +
                            std::strerror(errno));
  }
  return Client(std::move(fd));
}

ClientResult Client::call(const Request& request, std::span<const int> fds,
                          std::chrono::milliseconds timeout) {
  auto bytes = frame(encode_request(request));
  if (int err = send_with_fds(fd_.get(), bytes, fds); err != 0) return errno_error("send", err);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<uint8_t, kLengthSize> len_bytes{};
  if (auto st = read_exact(fd_.get(), len_bytes, deadline); !st) return st.error();
  uint64_t len = 0;
  for (std::size_t i = 0; i < kLengthSize; ++i) len |= uint64_t(len_bytes[i]) << (8 * i);
  if (len > kMaxResponseSize) {
    return base::make_error("response length " + std::to_string(len) + " too large");
  }
  std::vector<uint8_t> payload(static_cast<std::size_t>(len));
  if (auto st = read_exact(fd_.get(), payload, deadline); !st) return st.error();
  auto decoded = decode_response(payload);
  if (auto* err = std::get_if<DecodeError>(&decoded)) {
    return base::make_error("malformed response: " + std::string(to_string(*err)));
  }
  auto& resp = std::get<Response>(decoded);
  // The response must be the one this request is answered with.
  MessageType want = response_type_for(request);
  MessageType got = std::visit(
      [](const auto& r) -> MessageType {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, PingResponse>)
          return MessageType::kPingResponse;
        else if constexpr (std::is_same_v<T, StatusResponse>)
          return r.type;
        else if constexpr (std::is_same_v<T, AddPeerResponse>)
          return MessageType::kAddPeerResponse;
        else
          return MessageType::kListPeersResponse;
      },
      resp);
  if (got != want) {
    return base::make_error("response of the wrong type: " + std::string(message_name(got)));
  }
  return std::move(resp);
}

base::Result<ListPeersResponse> Client::list_all_peers() {
  ListPeersResponse all;
  bool first = true;
  uint32_t start = 0;
  // Each page advances by at least one peer, so this ends; the cap guards a buggy daemon.
  for (int pages = 0; pages < (1 << 20); ++pages) {
    auto r = call(ListPeersRequest{start});
    if (!r) return r.error();
    auto& page = std::get<ListPeersResponse>(*r);
    if (page.status != status::kOk) {
      return base::make_error("the daemon refused to list peers (status " +
                              std::to_string(page.status) + ")");
    }
    if (first) {
      all.has_keypair = page.has_keypair;
      all.total = page.total;
      all.dropped = page.dropped;
      first = false;
    }
    for (auto& p : page.peers) all.peers.push_back(std::move(p));
    start += static_cast<uint32_t>(page.peers.size());
    if (page.peers.empty() || start >= page.total) break;
  }
  return all;
}

}  // namespace rosenpass::api
