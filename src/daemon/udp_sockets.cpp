#include "rosenpass/daemon/udp_sockets.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "rosenpass/daemon/logging.h"

namespace rosenpass::daemon {
namespace {

std::string os_error(int err) {
  return std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")";
}

SocketAddress v4_mapped(const SocketAddress& v4) {
  auto* in = reinterpret_cast<const sockaddr_in*>(&v4.storage);
  SocketAddress out;
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = in->sin_port;
  in6->sin6_addr.s6_addr[10] = 0xff;
  in6->sin6_addr.s6_addr[11] = 0xff;
  std::memcpy(&in6->sin6_addr.s6_addr[12], &in->sin_addr, 4);
  out.length = sizeof(sockaddr_in6);
  return out;
}

}  // namespace

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}
UdpSocket::UdpSocket(UdpSocket&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), family_(o.family_), v6_only_(o.v6_only_) {}
UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    family_ = o.family_;
    v6_only_ = o.v6_only_;
  }
  return *this;
}

Result<UdpSocket> UdpSocket::bind(const SocketAddress& addr) {
  UdpSocket s;
  s.family_ = addr.family();
  s.fd_ = ::socket(addr.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd_ < 0) return make_error(os_error(errno));
  // A daemon with many peers receives bursts of 1 KiB InitHellos; a larger receive buffer
  // (best effort, capped by net.core.rmem_max) turns drops into queueing.
  int rcvbuf = 4 << 20;
  ::setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (::bind(s.fd_, addr.sa(), addr.length) != 0) return make_error(os_error(errno));
  if (s.family_ == AF_INET6) {
    int v = 0;
    socklen_t len = sizeof v;
    // Unknown counts as v6-only, so the caller adds an IPv4 socket to be safe.
    s.v6_only_ = ::getsockopt(s.fd_, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) != 0 || v != 0;
  }
  return s;
}

Result<UdpSocket> UdpSocket::adopt(int fd) {
  UdpSocket s;
  s.fd_ = fd;  // closed by `s` on every error path
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return make_error(os_error(errno));
  s.family_ = ss.ss_family;
  if (s.family_ != AF_INET && s.family_ != AF_INET6) return make_error("not an IP socket");
  int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return make_error(os_error(errno));
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (s.family_ == AF_INET6) {
    int v = 0;
    socklen_t vl = sizeof v;
    s.v6_only_ = ::getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl) != 0 || v != 0;
  }
  return s;
}

SocketAddress UdpSocket::local_address() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  return SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

bool UdpSocket::can_reach(const SocketAddress& to) const {
  if (to.family() == family_) return true;
  return family_ == AF_INET6 && !v6_only_ && to.family() == AF_INET;
}

int UdpSocket::send_to(std::span<const uint8_t> bytes, const SocketAddress& to) const {
  SocketAddress dst = (family_ == AF_INET6 && to.family() == AF_INET) ? v4_mapped(to) : to;
  for (;;) {
    ssize_t n = ::sendto(fd_, bytes.data(), bytes.size(), 0, dst.sa(), dst.length);
    if (n >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

std::optional<std::size_t> UdpSocket::receive(std::span<uint8_t> buf, SocketAddress& from) const {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ssize_t n =
        ::recvfrom(fd_, buf.data(), buf.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    from = SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    // A truncated datagram is longer than any message; the protocol drops it by size.
    return std::min(static_cast<std::size_t>(n), buf.size());
  }
}

std::size_t UdpSocket::receive_batch(ReceiveBatch& batch) const {
  std::array<mmsghdr, ReceiveBatch::kCapacity> msgs{};
  std::array<iovec, ReceiveBatch::kCapacity> iov{};
  std::array<sockaddr_storage, ReceiveBatch::kCapacity> addrs;
  for (std::size_t i = 0; i < ReceiveBatch::kCapacity; ++i) {
    iov[i] = {batch.bytes[i].data(), batch.bytes[i].size()};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &addrs[i];
    msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
  }
  for (;;) {
    // MSG_TRUNC: msg_len is a datagram's real length, as with recvfrom in receive().
    int n = ::recvmmsg(fd_, msgs.data(), static_cast<unsigned>(msgs.size()), MSG_TRUNC, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      batch.from[i] = SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&addrs[i]),
                                                   msgs[i].msg_hdr.msg_namelen);
      batch.length[i] = std::min<std::size_t>(msgs[i].msg_len, batch.bytes[i].size());
    }
    return static_cast<std::size_t>(n);
  }
}

Result<std::vector<UdpSocket>> bind_listen_sockets(std::span<const SocketAddress> listen) {
  std::vector<UdpSocket> out;
  for (const auto& a : listen) {
    auto s = UdpSocket::bind(a);
    if (!s) return s.error().context("could not bind UDP socket to " + a.to_string());
    out.push_back(std::move(*s));
  }
  if (!listen.empty()) return out;
  bool need_v4 = true;
  auto any6 = SocketAddress::parse_literal("[::]:0");
  auto v6 = UdpSocket::bind(*any6);
  if (v6) {
    need_v4 = v6->v6_only();
    out.push_back(std::move(*v6));
  } else {
    log_warn("Could not bind to IPv6 socket: " + v6.error().message);
  }
  if (need_v4) {
    auto v4 = UdpSocket::bind(*SocketAddress::parse_literal("0.0.0.0:0"));
    if (v4) {
      out.push_back(std::move(*v4));
    } else {
      log_warn("Could not bind to IPv4 socket: " + v4.error().message);
    }
  }
  if (out.empty()) return make_error("No sockets to listen on!");
  return out;
}

}  // namespace rosenpass::daemon
