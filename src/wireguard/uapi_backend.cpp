// Userspace WireGuard over the cross-platform configuration protocol: a unix stream socket
// at <dir>/<device>.sock, requests "set=1" / "get=1" with key=value lines ending in a blank
// line, answers ending in "errno=N" and a blank line.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "rosenpass/base/fd.h"
#include "rosenpass/base/io.h"
#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/uapi_reply.h"
#include "secure_text.h"

namespace rosenpass::wireguard {
namespace {

using Fd = base::UniqueFd;

bool valid_device_name(std::string_view device) {
  // Interface names are at most 15 bytes and never contain '/'; this also keeps the
  // socket path inside the socket directory.
  return !device.empty() && device.size() < 16 && device.find('/') == std::string_view::npos &&
         device != "." && device != "..";
}

// Connects to the device's UAPI socket, or returns -errno.
int connect_uapi(const std::filesystem::path& dir, std::string_view device) {
  if (!valid_device_name(device)) return -EINVAL;
  std::string path = (dir / (std::string(device) + ".sock")).string();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return -ENAMETOOLONG;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  // A wedged peer must not hang the daemon.
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    return -e;
  }
  return fd;
}

bool write_all(int fd, std::string_view data) {
  return base::send_all(fd, std::span(data.data(), data.size())) == 0;
}

// Reads until the reply's terminating blank line ("\n\n"); false on EOF/error/oversize.
bool read_reply(int fd, SecureText& out) {
  char chunk[1024];
  const std::size_t kMaxReply = 1 << 20;
  while (true) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(std::string_view(chunk, static_cast<std::size_t>(n)));
    crypto::wipe(chunk);
    auto v = out.view();
    if (v == "\n" || v.ends_with("\n\n")) return true;
    if (v.size() > kMaxReply) return false;
  }
  return false;
}

WgError io_error(std::string_view device, const std::string& what) {
  return {WgErrorKind::kIo, "userspace WireGuard " + std::string(device) + ": " + what};
}

WgError errno_error(std::string_view device, int e) {
  WgErrorKind kind = WgErrorKind::kIo;
  if (e == ENODEV || e == ENOENT) kind = WgErrorKind::kNoSuchDevice;
  if (e == EPERM || e == EACCES) kind = WgErrorKind::kPermission;
  if (e == EINVAL || e == EPROTO) kind = WgErrorKind::kInvalidInput;
  return {kind, "userspace WireGuard " + std::string(device) + ": " + std::strerror(e)};
}

// A failed connect names the socket, so "Permission denied" points at the file to fix.
WgError connect_error(const std::filesystem::path& dir, std::string_view device, int e) {
  WgError err = errno_error(device, e);
  if (valid_device_name(device)) {
    err.message = "userspace WireGuard " + std::string(device) + ": cannot connect to " +
                  (dir / (std::string(device) + ".sock")).string() + ": " + std::strerror(e);
  }
  return err;
}

// Finds "errno=N" in a reply; nullopt if absent or malformed.
std::optional<int> reply_errno(std::string_view reply) {
  std::size_t pos = 0;
  while (pos < reply.size()) {
    auto end = reply.find('\n', pos);
    if (end == std::string_view::npos) end = reply.size();
    auto line = reply.substr(pos, end - pos);
    if (line.starts_with("errno=")) {
      int v = 0;
      auto digits = line.substr(6);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
      return v;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

void append_key(SecureText& req, std::string_view name, std::span<const uint8_t, 32> key) {
  std::array<char, 64> hex{};
  wg_key_to_hex(key, hex);
  req.append(name);
  req.append("=");
  req.append(std::string_view(hex.data(), hex.size()));
  req.append("\n");
  crypto::wipe(hex);
}

void append_line(SecureText& req, std::string_view name, const std::string& value) {
  req.append(name);
  req.append("=");
  req.append(value);
  req.append("\n");
}

// UAPI endpoints are numeric: a.b.c.d:port or [v6]:port.
std::string uapi_endpoint(const Endpoint& ep) {
  return format_endpoint(ep);
}

class UapiBackend final : public WireGuardBackend {
 public:
  explicit UapiBackend(std::filesystem::path dir) : dir_(std::move(dir)) {}

  WgStatus set_device(std::string_view device, const DeviceConfig& config) override {
    SecureText req;
    req.append("set=1\n");
    if (config.private_key) append_key(req, "private_key", config.private_key->reveal());
    if (config.listen_port) append_line(req, "listen_port", std::to_string(*config.listen_port));
    if (config.replace_peers) req.append("replace_peers=true\n");
    for (const auto& peer : config.peers) {
      append_key(req, "public_key", peer.public_key);
      if (peer.remove) {
        req.append("remove=true\n");
        continue;
      }
      if (peer.update_only) req.append("update_only=true\n");
      if (peer.preshared_key) append_key(req, "preshared_key", peer.preshared_key->reveal());
      if (peer.endpoint) append_line(req, "endpoint", uapi_endpoint(*peer.endpoint));
      if (peer.persistent_keepalive) {
        append_line(req, "persistent_keepalive_interval",
                    std::to_string(*peer.persistent_keepalive));
      }
      if (peer.allowed_ips) {
        req.append("replace_allowed_ips=true\n");
        for (const auto& ip : *peer.allowed_ips) {
          append_line(req, "allowed_ip", format_allowed_ip(ip));
        }
      }
    }
    req.append("\n");

    int fd = connect_uapi(dir_, device);
    if (fd < 0) return connect_error(dir_, device, -fd);
    Fd guard(fd);
    if (!write_all(fd, req.view())) return io_error(device, "write failed");
    SecureText reply(256);
    if (!read_reply(fd, reply)) return io_error(device, "no complete reply");
    auto e = reply_errno(reply.view());
    if (!e) return io_error(device, "reply without errno");
    if (*e != 0) return errno_error(device, *e);
    return base::Ok{};
  }

  base::Result<DeviceInfo, WgError> get_device(std::string_view device) override {
    int fd = connect_uapi(dir_, device);
    if (fd < 0) return connect_error(dir_, device, -fd);
    Fd guard(fd);
    if (!write_all(fd, "get=1\n\n")) return io_error(device, "write failed");
    // The reply carries the private key and PSKs in hex; SecureText erases them.
    SecureText reply(8192);
    if (!read_reply(fd, reply)) return io_error(device, "no complete reply");
    return parse_uapi_get_reply(reply.view(), device);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

base::Result<DeviceInfo, WgError> parse_uapi_get_reply(std::string_view reply,
                                                       std::string_view device) {
  auto e = reply_errno(reply);
  if (!e) return io_error(device, "reply without errno");
  if (*e != 0) return errno_error(device, *e);

  DeviceInfo info;
  std::string_view v = reply;
  std::size_t pos = 0;
  while (pos < v.size()) {
    auto end = v.find('\n', pos);
    if (end == std::string_view::npos) end = v.size();
    auto line = v.substr(pos, end - pos);
    pos = end + 1;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = line.substr(0, eq);
    auto value = line.substr(eq + 1);
    if (key == "private_key") {
      // Derive the public key as `wg show` does; the hex lives only in `reply`.
      WgSecretKey sk;
      auto bytes = wg_public_key_from_hex(value);
      if (bytes) {
        std::memcpy(sk.reveal_mut().data(), bytes->data(), 32);
        crypto::wipe(*bytes);
        info.public_key = wg_public_key_of(sk);
      }
    } else if (key == "listen_port") {
      uint16_t port = 0;
      std::from_chars(value.data(), value.data() + value.size(), port);
      info.listen_port = port;
    } else if (key == "public_key") {
      auto pk = wg_public_key_from_hex(value);
      if (!pk) return io_error(device, "malformed public_key in reply");
      info.peers.emplace_back();
      info.peers.back().public_key = *pk;
    } else if (key == "preshared_key" && !info.peers.empty()) {
      if (auto bytes = wg_public_key_from_hex(value)) {
        info.peers.back().has_preshared_key = !crypto::ct_is_zero(*bytes);
        crypto::wipe(*bytes);
      }
    } else if (key == "allowed_ip" && !info.peers.empty()) {
      if (auto ip = parse_allowed_ip(value)) info.peers.back().allowed_ips.push_back(*ip);
    } else if (key == "endpoint" && !info.peers.empty()) {
      // Numeric in UAPI replies; anything else is skipped rather than handed to
      // parse_endpoint, which would resolve a host name (a DNS query per fuzzer input).
      if (value.find_first_not_of("0123456789abcdefABCDEF.:[]") == std::string_view::npos) {
        info.peers.back().endpoint = parse_endpoint(value);
      }
    } else if (key == "persistent_keepalive_interval" && !info.peers.empty()) {
      std::from_chars(value.data(), value.data() + value.size(),
                      info.peers.back().persistent_keepalive);
    } else if (key == "last_handshake_time_sec" && !info.peers.empty()) {
      std::from_chars(value.data(), value.data() + value.size(),
                      info.peers.back().last_handshake_sec);
    } else if (key == "last_handshake_time_nsec" && !info.peers.empty()) {
      std::from_chars(value.data(), value.data() + value.size(),
                      info.peers.back().last_handshake_nsec);
    }
  }
  return info;
}

int uapi_socket_probe(const std::filesystem::path& socket_dir, std::string_view device) {
  int fd = connect_uapi(socket_dir, device);
  if (fd < 0) return -fd;
  ::close(fd);
  return 0;
}

bool uapi_socket_available(const std::filesystem::path& socket_dir, std::string_view device) {
  return uapi_socket_probe(socket_dir, device) == 0;
}

std::unique_ptr<WireGuardBackend> make_uapi_backend(std::filesystem::path socket_dir) {
  return std::make_unique<UapiBackend>(std::move(socket_dir));
}

}  // namespace rosenpass::wireguard
