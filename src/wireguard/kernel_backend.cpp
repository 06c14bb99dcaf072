// Kernel WireGuard over generic netlink: resolve the "wireguard" family, then send the
// messages built in wg_netlink.cpp and read the acknowledgements or dump replies.
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <net/if.h>
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
  std::string why = std::strerror(e);
  if (e == ENODEV) why = "no such interface";
  // The kernel answers EOPNOTSUPP for an interface of another kind (wg says "Operation not
  // supported").
  if (e == EOPNOTSUPP) {
    kind = WgErrorKind::kNoSuchDevice;
    why = "not a WireGuard device";
  }
  return {kind, "kernel WireGuard " + std::string(device) + ": " + why};
}

bool valid_interface_name(std::string_view device) {
  return !device.empty() && device.size() < IFNAMSIZ;
}

WgError bad_name_error(std::string_view device) {
  return {WgErrorKind::kNoSuchDevice, "kernel WireGuard \"" + std::string(device) +
                                          "\": no such interface (interface names are 1 to " +
                                          std::to_string(IFNAMSIZ - 1) + " bytes)"};
}

// A real NETLINK_GENERIC socket.
class MnlChannel final : public NetlinkChannel {
 public:
  static base::Result<std::unique_ptr<NetlinkChannel>, int> open() {
    mnl_socket* nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
    if (!nl) return errno;
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
      int e = errno;
      mnl_socket_close(nl);
      return e;
    }
    timeval tv{5, 0};  // never hang on a silent kernel
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return std::unique_ptr<NetlinkChannel>(new MnlChannel(nl));
  }
  ~MnlChannel() override { mnl_socket_close(nl_); }
  int send(std::span<const uint8_t> d) override {
    return mnl_socket_sendto(nl_, d.data(), d.size()) < 0 ? errno : 0;
  }
  ssize_t receive(std::span<uint8_t> b) override {
    ssize_t n = mnl_socket_recvfrom(nl_, b.data(), b.size());
    return n < 0 ? -errno : n;
  }
  uint32_t port_id() const override { return mnl_socket_get_portid(nl_); }

 private:
  explicit MnlChannel(mnl_socket* nl) : nl_(nl) {}
  mnl_socket* nl_;
};

// Sends `m` on `ch` and runs `on_message` on every reply message until the ack or
// NLMSG_DONE. Returns 0 or an errno value; EINTR means the kernel marked the dump
// interrupted (libmnl reports NLM_F_DUMP_INTR so).
template <typename F>
int transact(NetlinkChannel& ch, const NetlinkMessage& m, uint32_t seq, F on_message) {
  if (int e = ch.send(m.bytes()); e != 0) return e;
  struct Ctx {
    F* f;
    bool bad = false;
  } ctx{&on_message};
  auto cb = [](const nlmsghdr* nlh, void* data) -> int {
    auto* c = static_cast<Ctx*>(data);
    if (!(*c->f)(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(nlh), nlh->nlmsg_len))) {
      c->bad = true;
      return MNL_CB_ERROR;
    }
    return MNL_CB_OK;
  };
  std::vector<uint8_t> buf(32768);
  int rc = 0;
  while (true) {
    ssize_t n = ch.receive(buf);
    if (n < 0) {
      rc = static_cast<int>(-n);
      break;
    }
    errno = 0;
    int r = mnl_cb_run(buf.data(), static_cast<std::size_t>(n), seq, ch.port_id(), cb, &ctx);
    if (r == MNL_CB_STOP) break;
    if (r < 0) {
      rc = ctx.bad ? EPROTO : (errno != 0 ? errno : EPROTO);
      break;
    }
  }
  crypto::wipe(buf);  // dumps carry private and preshared keys
  return rc;
}

// The generic netlink id of "wireguard", or an errno value (ENOENT: no kernel module).
std::variant<uint16_t, int> resolve_family(NetlinkChannel& ch, uint32_t seq) {
  std::optional<uint16_t> id;
  int rc = transact(ch, encode_get_family_request(seq), seq, [&](std::span<const uint8_t> msg) {
    id = decode_family_id(msg);
    return id.has_value();
  });
  if (rc != 0) return rc;
  if (!id) return EPROTO;
  return *id;
}

class KernelBackend final : public WireGuardBackend {
 public:
  explicit KernelBackend(NetlinkChannelFactory open)
      : open_(open ? std::move(open) : NetlinkChannelFactory(&MnlChannel::open)) {}

  WgStatus set_device(std::string_view device, const DeviceConfig& config) override {
    if (!valid_interface_name(device)) return bad_name_error(device);
    auto ch = open_();
    if (!ch) return errno_error(device, ch.error());
    NetlinkChannel& c = **ch;
    uint32_t seq = next_seq();
    auto family = resolve_family(c, seq);
    if (auto* e = std::get_if<int>(&family)) return family_error(device, *e);
    auto messages = encode_set_device(std::get<uint16_t>(family), seq + 1, device, config);
    if (!messages) return messages.error();
    uint32_t msg_seq = seq + 1;
    for (const auto& m : *messages) {
      int rc = transact(c, m, msg_seq++, [](std::span<const uint8_t>) { return true; });
      if (rc != 0) return errno_error(device, rc);
    }
    return base::Ok{};
  }

  base::Result<DeviceInfo, WgError> get_device(std::string_view device) override {
    // An empty or over-long name would go out without a device attribute and come back as
    // some other error; no interface can have it.
    if (!valid_interface_name(device)) return bad_name_error(device);
    // wg retries an interrupted dump without limit; a bound keeps a device that changes
    // without pause from holding the daemon forever.
    constexpr int kAttempts = 100;
    int rc = EINTR;
    for (int attempt = 0; attempt < kAttempts && rc == EINTR; ++attempt) {
      auto ch = open_();
      if (!ch) return errno_error(device, ch.error());
      NetlinkChannel& c = **ch;
      uint32_t seq = next_seq();
      auto family = resolve_family(c, seq);
      if (auto* e = std::get_if<int>(&family)) return family_error(device, *e);
      DeviceInfo info;
      rc = transact(c, encode_get_device_request(std::get<uint16_t>(family), seq + 1, device),
                    seq + 1,
                    [&](std::span<const uint8_t> msg) { return decode_get_device_reply(msg, info); });
      if (rc == 0) return info;
    }
    return errno_error(device, rc);
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
  // Sequence numbers only need to differ between the requests on one channel.
  uint32_t next_seq() {
    seq_ += 1 << 16;
    return seq_;
  }
  NetlinkChannelFactory open_;
  uint32_t seq_ = static_cast<uint32_t>(::getpid()) << 8;
};

// wg's rule, per device: a live UAPI socket means userspace, otherwise the kernel.
class AutoBackend final : public WireGuardBackend {
 public:
  explicit AutoBackend(std::filesystem::path dir)
      : dir_(dir), uapi_(make_uapi_backend(dir)), kernel_(make_kernel_backend()) {}
  WgStatus set_device(std::string_view device, const DeviceConfig& config) override {
    return pick(device).set_device(device, config);
  }
  base::Result<DeviceInfo, WgError> get_device(std::string_view device) override {
    return pick(device).get_device(device);
  }

 private:
  // A socket we may not open (root-only, a service user) still means userspace: report that
  // rather than falling through to the kernel and blaming a missing socket.
  WireGuardBackend& pick(std::string_view device) {
    int e = uapi_socket_probe(dir_, device);
    return e == 0 || e == EACCES || e == EPERM ? *uapi_ : *kernel_;
  }
  std::filesystem::path dir_;
  std::unique_ptr<WireGuardBackend> uapi_;
  std::unique_ptr<WireGuardBackend> kernel_;
};

}  // namespace

std::unique_ptr<WireGuardBackend> make_kernel_backend(NetlinkChannelFactory open_channel) {
  return std::make_unique<KernelBackend>(std::move(open_channel));
}

std::unique_ptr<WireGuardBackend> make_auto_backend(std::filesystem::path socket_dir) {
  return std::make_unique<AutoBackend>(std::move(socket_dir));
}

}  // namespace rosenpass::wireguard
