// Kernel WireGuard over generic netlink: resolve the "wireguard" family, then send the
// messages built in wg_netlink.cpp and read the acknowledgements or dump replies.
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/wg_netlink.h"

namespace rosenpass::wireguard {
namespace {

WgError errno_error(std::string_view device, int e) {
  WgErrorKind kind = WgErrorKind::kIo;
  if (e == ENODEV || e == ENOENT) kind = WgErrorKind::kNoSuchDevice;
  if (e == EPERM || e == EACCES) kind = WgErrorKind::kPermission;
  if (e == EINVAL) kind = WgErrorKind::kInvalidInput;
  return {kind, "kernel WireGuard " + std::string(device) + ": " + std::strerror(e)};
}

// One netlink socket for one request/response exchange.
class GenlSocket {
 public:
  GenlSocket() : nl_(mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC)) {
    if (nl_ && mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
      mnl_socket_close(nl_);
      nl_ = nullptr;
    }
    if (nl_) {
      timeval tv{5, 0};  // never hang on a silent kernel
      setsockopt(mnl_socket_get_fd(nl_), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      port_ = mnl_socket_get_portid(nl_);
    }
  }
  ~GenlSocket() {
    if (nl_) mnl_socket_close(nl_);
  }
  GenlSocket(const GenlSocket&) = delete;
  GenlSocket& operator=(const GenlSocket&) = delete;
  bool ok() const { return nl_ != nullptr; }

  // Sends `m` and runs `on_message` on every reply message until the ack or NLMSG_DONE.
  // Returns 0 or an errno value.
  template <typename F>
  int transact(const NetlinkMessage& m, uint32_t seq, F on_message) {
    auto bytes = m.bytes();
    if (mnl_socket_sendto(nl_, bytes.data(), bytes.size()) < 0) return errno;
    struct Ctx {
      F* f;
      bool bad = false;
    } ctx{&on_message};
    auto cb = [](const nlmsghdr* nlh, void* data) -> int {
      auto* c = static_cast<Ctx*>(data);
      if (!(*c->f)(
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(nlh), nlh->nlmsg_len))) {
        c->bad = true;
        return MNL_CB_ERROR;
      }
      return MNL_CB_OK;
    };
    std::vector<uint8_t> buf(32768);
    int rc = MNL_CB_OK;
    while (true) {
      ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
      if (n < 0) {
        rc = errno;
        break;
      }
      int r = mnl_cb_run(buf.data(), n, seq, port_, cb, &ctx);
      if (r == MNL_CB_STOP) {
        rc = 0;
        break;
      }
      if (r < 0) {
        rc = ctx.bad ? EPROTO : errno;
        break;
      }
    }
    crypto::secure_zero(buf.data(), buf.size());  // dumps carry private and preshared keys
    return rc;
  }

 private:
  mnl_socket* nl_;
  uint32_t port_ = 0;
};

// The generic netlink id of "wireguard", or an errno value (ENOENT: no kernel module).
std::variant<uint16_t, int> resolve_family(GenlSocket& s, uint32_t seq) {
  std::optional<uint16_t> id;
  int rc = s.transact(encode_get_family_request(seq), seq, [&](std::span<const uint8_t> msg) {
    id = decode_family_id(msg);
    return id.has_value();
  });
  if (rc != 0) return rc;
  if (!id) return EPROTO;
  return *id;
}

class KernelBackend final : public WireGuardBackend {
 public:
  WgSetResult set_device(std::string_view device, const DeviceConfig& config) override {
    GenlSocket s;
    if (!s.ok()) return errno_error(device, errno);
    uint32_t seq = next_seq();
    auto family = resolve_family(s, seq);
    if (auto* e = std::get_if<int>(&family)) return family_error(device, *e);
    auto messages = encode_set_device(std::get<uint16_t>(family), seq + 1, device, config);
    if (auto* e = std::get_if<WgError>(&messages)) return *e;
    uint32_t msg_seq = seq + 1;
    for (const auto& m : std::get<std::vector<NetlinkMessage>>(messages)) {
      int rc = s.transact(m, msg_seq++, [](std::span<const uint8_t>) { return true; });
      if (rc != 0) return errno_error(device, rc);
    }
    seq_ += static_cast<uint32_t>(config.peers.size()) + 2;
    return std::nullopt;
  }

  WgGetResult get_device(std::string_view device) override {
    GenlSocket s;
    if (!s.ok()) return errno_error(device, errno);
    uint32_t seq = next_seq();
    auto family = resolve_family(s, seq);
    if (auto* e = std::get_if<int>(&family)) return family_error(device, *e);
    DeviceInfo info;
    int rc = s.transact(
        encode_get_device_request(std::get<uint16_t>(family), seq + 1, device), seq + 1,
        [&](std::span<const uint8_t> msg) { return decode_get_device_reply(msg, info); });
    seq_ += 2;
    if (rc != 0) return errno_error(device, rc);
    return info;
  }

 private:
  static WgError family_error(std::string_view device, int e) {
    if (e == ENOENT)
      return {WgErrorKind::kNoSuchDevice,
              "kernel WireGuard " + std::string(device) +
                  ": the kernel has no WireGuard support (no generic netlink family "
                  "\"wireguard\") and no userspace WireGuard socket exists for it"};
    return errno_error(device, e);
  }
  uint32_t next_seq() {
    seq_ += 1000;
    return seq_;
  }
  uint32_t seq_ = static_cast<uint32_t>(::getpid()) << 8;
};

// wg's rule, per device: a live UAPI socket means userspace, otherwise the kernel.
class AutoBackend final : public WireGuardBackend {
 public:
  explicit AutoBackend(std::filesystem::path dir)
      : dir_(dir), uapi_(make_uapi_backend(dir)), kernel_(make_kernel_backend()) {}
  WgSetResult set_device(std::string_view device, const DeviceConfig& config) override {
    return pick(device).set_device(device, config);
  }
  WgGetResult get_device(std::string_view device) override {
    return pick(device).get_device(device);
  }

 private:
  WireGuardBackend& pick(std::string_view device) {
    return uapi_socket_available(dir_, device) ? *uapi_ : *kernel_;
  }
  std::filesystem::path dir_;
  std::unique_ptr<WireGuardBackend> uapi_;
  std::unique_ptr<WireGuardBackend> kernel_;
};

}  // namespace

std::unique_ptr<WireGuardBackend> make_kernel_backend() {
  return std::make_unique<KernelBackend>();
}

std::unique_ptr<WireGuardBackend> make_auto_backend(std::filesystem::path socket_dir) {
  return std::make_unique<AutoBackend>(std::move(socket_dir));
}

}  // namespace rosenpass::wireguard
