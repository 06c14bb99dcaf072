// The kernel backend against a fake kernel behind NetlinkChannel (issue #16): interrupted
// dumps are retried, a peer's allowed IPs are split across messages as wireguard-tools does,
// bad names and non-WireGuard devices are reported as such.
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>

#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/backend.h"
#include "rosenpass/wireguard/wg_netlink.h"

namespace rosenpass::wireguard {
namespace {

constexpr uint16_t kFamily = 0x1d;
constexpr uint32_t kPort = 4242;

using Bytes = std::vector<uint8_t>;

// The attributes after a message's genl header / inside a nested attribute, in order.
std::vector<const nlattr*> top_attrs(const nlmsghdr* nlh) {
  std::vector<const nlattr*> out;
  const auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)));
  const auto* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(nlh));
  for (; mnl_attr_ok(a, static_cast<int>(tail - reinterpret_cast<const char*>(a)));
       a = mnl_attr_next(a)) {
    out.push_back(a);
  }
  return out;
}

std::vector<const nlattr*> nested_attrs(const nlattr* list) {
  std::vector<const nlattr*> out;
  const auto* a = static_cast<const nlattr*>(mnl_attr_get_payload(list));
  const auto* tail = reinterpret_cast<const char*>(list) + list->nla_len;
  for (; mnl_attr_ok(a, static_cast<int>(tail - reinterpret_cast<const char*>(a)));
       a = mnl_attr_next(a)) {
    out.push_back(a);
  }
  return out;
}

struct FakePeer {
  std::vector<AllowedIp> allowed_ips;
};

// The kernel's side: devices, what SET requests did to them, and dump behaviour.
struct FakeKernel {
  std::map<std::string, std::map<WgPublicKey, FakePeer>> wg_devices;
  std::set<std::string> other_devices;  // e.g. "eth0": not WireGuard
  int interrupt_next_dumps = 0;
  int get_requests = 0;
  std::vector<Bytes> set_requests;

  // Applies a SET_DEVICE request as the kernel does; 0 or a negative errno.
  int apply_set(const nlmsghdr* nlh, const std::string& dev) {
    set_requests.emplace_back(reinterpret_cast<const uint8_t*>(nlh),
                              reinterpret_cast<const uint8_t*>(nlh) + nlh->nlmsg_len);
    auto& peers = wg_devices[dev];
    const nlattr* list = nullptr;
    for (const nlattr* a : top_attrs(nlh)) {
      if (mnl_attr_get_type(a) == WGDEVICE_A_PEERS) list = a;
    }
    if (!list) return 0;
    for (const nlattr* p : nested_attrs(list)) {
      WgPublicKey key{};
      uint32_t flags = 0;
      const nlattr* ips = nullptr;
      for (const nlattr* a : nested_attrs(p)) {
        switch (mnl_attr_get_type(a)) {
          case WGPEER_A_PUBLIC_KEY:
            std::memcpy(key.data(), mnl_attr_get_payload(a), 32);
            break;
          case WGPEER_A_FLAGS:
            flags = mnl_attr_get_u32(a);
            break;
          case WGPEER_A_ALLOWEDIPS:
            ips = a;
            break;
          default:
            break;
        }
      }
      if (flags & WGPEER_F_REMOVE_ME) {
        peers.erase(key);
        continue;
      }
      if ((flags & WGPEER_F_UPDATE_ONLY) && !peers.count(key)) continue;
      auto& peer = peers[key];
      if (flags & WGPEER_F_REPLACE_ALLOWEDIPS) peer.allowed_ips.clear();
      if (!ips) continue;
      for (const nlattr* e : nested_attrs(ips)) {
        AllowedIp ip;
        for (const nlattr* f : nested_attrs(e)) {
          switch (mnl_attr_get_type(f)) {
            case WGALLOWEDIP_A_FAMILY:
              ip.family = mnl_attr_get_u16(f);
              break;
            case WGALLOWEDIP_A_IPADDR:
              std::memcpy(ip.address.data(), mnl_attr_get_payload(f),
                          mnl_attr_get_payload_len(f));
              break;
            case WGALLOWEDIP_A_CIDR_MASK:
              ip.cidr = mnl_attr_get_u8(f);
              break;
            default:
              break;
          }
        }
        peer.allowed_ips.push_back(ip);
      }
    }
    return 0;
  }
};

class FakeChannel final : public NetlinkChannel {
 public:
  explicit FakeChannel(std::shared_ptr<FakeKernel> k) : kernel_(std::move(k)) {}

  int send(std::span<const uint8_t> d) override {
    const auto* req = reinterpret_cast<const nlmsghdr*>(d.data());
    if (!mnl_nlmsg_ok(req, static_cast<int>(d.size()))) return EINVAL;
    const auto* genl = static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(req));
    if (req->nlmsg_type == GENL_ID_CTRL) {
      Bytes m = header(GENL_ID_CTRL, 0, req->nlmsg_seq, CTRL_CMD_NEWFAMILY);
      auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
      mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
      mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, kFamily);
      queue(m);
      queue(error_message(req, 0));
      return 0;
    }
    if (req->nlmsg_type != kFamily) {
      queue(error_message(req, -EINVAL));
      return 0;
    }
    std::string dev;
    for (const nlattr* a : top_attrs(req)) {
      if (mnl_attr_get_type(a) == WGDEVICE_A_IFNAME) dev = mnl_attr_get_str(a);
    }
    int err = 0;
    if (dev.empty()) err = -EINVAL;  // the kernel would fail the lookup in its own way
    else if (kernel_->other_devices.count(dev)) err = -EOPNOTSUPP;
    else if (!kernel_->wg_devices.count(dev)) err = -ENODEV;
    if (genl->cmd == WG_CMD_GET_DEVICE) {
      ++kernel_->get_requests;
      if (err != 0) {
        queue(error_message(req, err));
        return 0;
      }
      // One message per peer, NLM_F_MULTI, then NLMSG_DONE; all marked if interrupted.
      const bool intr = kernel_->interrupt_next_dumps > 0;
      if (intr) --kernel_->interrupt_next_dumps;
      uint16_t flags = NLM_F_MULTI | (intr ? NLM_F_DUMP_INTR : 0);
      for (const auto& [key, peer] : kernel_->wg_devices[dev]) {
        Bytes m = header(kFamily, flags, req->nlmsg_seq, WG_CMD_GET_DEVICE);
        auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
        mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, dev.c_str());
        nlattr* ps = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
        nlattr* p = mnl_attr_nest_start(nlh, 0);
        mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, 32, key.data());
        mnl_attr_nest_end(nlh, p);
        mnl_attr_nest_end(nlh, ps);
        m.resize(nlh->nlmsg_len);
        queue(m);
      }
      Bytes done = header(NLMSG_DONE, NLM_F_MULTI | (intr ? NLM_F_DUMP_INTR : 0), req->nlmsg_seq,
                          0);
      queue(done);
      return 0;
    }
    if (genl->cmd == WG_CMD_SET_DEVICE) {
      if (err == 0) err = kernel_->apply_set(req, dev);
      queue(error_message(req, err));
      return 0;
    }
    queue(error_message(req, -EOPNOTSUPP));
    return 0;
  }

  ssize_t receive(std::span<uint8_t> b) override {
    if (replies_.empty()) return -EAGAIN;  // the real socket's receive timeout
    Bytes m = std::move(replies_.front());
    replies_.pop_front();
    if (m.size() > b.size()) return -ENOBUFS;
    std::memcpy(b.data(), m.data(), m.size());
    return static_cast<ssize_t>(m.size());
  }
  uint32_t port_id() const override { return kPort; }

 private:
  static Bytes header(uint16_t type, uint16_t flags, uint32_t seq, uint8_t cmd) {
    Bytes m(MNL_SOCKET_BUFFER_SIZE * 4);
    nlmsghdr* nlh = mnl_nlmsg_put_header(m.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    nlh->nlmsg_seq = seq;
    nlh->nlmsg_pid = kPort;
    if (type == NLMSG_DONE) {
      *static_cast<int*>(mnl_nlmsg_put_extra_header(nlh, sizeof(int))) = 0;
    } else {
      auto* g = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
      g->cmd = cmd;
      g->version = 1;
    }
    return m;
  }
  static Bytes error_message(const nlmsghdr* req, int err) {
    Bytes m(256);
    nlmsghdr* nlh = mnl_nlmsg_put_header(m.data());
    nlh->nlmsg_type = NLMSG_ERROR;
    nlh->nlmsg_seq = req->nlmsg_seq;
    nlh->nlmsg_pid = kPort;
    auto* e = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nlmsgerr)));
    e->error = err;
    e->msg = *req;
    m.resize(nlh->nlmsg_len);
    return m;
  }
  void queue(Bytes m) {
    auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
    m.resize(nlh->nlmsg_len);
    replies_.push_back(std::move(m));
  }
  std::shared_ptr<FakeKernel> kernel_;
  std::deque<Bytes> replies_;
};

std::unique_ptr<WireGuardBackend> backend_on(std::shared_ptr<FakeKernel> k) {
  return make_kernel_backend([k]() -> base::Result<std::unique_ptr<NetlinkChannel>, int> {
    return std::unique_ptr<NetlinkChannel>(new FakeChannel(k));
  });
}

WgPublicKey key_with(uint8_t seed) {
  WgPublicKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i);
  return k;
}

std::vector<AllowedIp> many_ips(int v4, int v6) {
  std::vector<AllowedIp> out;
  for (int i = 0; i < v4; ++i) {
    AllowedIp ip;
    ip.family = AF_INET;
    ip.address = {10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 0};
    ip.cidr = 24;
    out.push_back(ip);
  }
  for (int i = 0; i < v6; ++i) {
    AllowedIp ip;
    ip.family = AF_INET6;
    ip.address = {0xfd, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
    ip.cidr = 64;
    out.push_back(ip);
  }
  return out;
}

TEST(KernelBackendFake, InterruptedDumpIsRetried) {
  auto k = std::make_shared<FakeKernel>();
  k->wg_devices["wg0"][key_with(1)] = {};
  k->wg_devices["wg0"][key_with(2)] = {};
  k->interrupt_next_dumps = 2;
  auto got = backend_on(k)->get_device("wg0");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->peers.size(), 2u);  // not four: nothing kept from retries
  EXPECT_EQ(k->get_requests, 3);
}

TEST(KernelBackendFake, DumpThatNeverSettlesIsAnErrorNamingTheDevice) {
  auto k = std::make_shared<FakeKernel>();
  k->wg_devices["wg0"][key_with(1)] = {};
  k->interrupt_next_dumps = 1000000;
  auto got = backend_on(k)->get_device("wg0");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("wg0"), std::string::npos);
  EXPECT_LE(k->get_requests, 100);
}

TEST(KernelBackendFake, ManyAllowedIpsAreSplitAcrossMessages) {
  auto k = std::make_shared<FakeKernel>();
  k->wg_devices["wg0"][key_with(1)].allowed_ips = many_ips(3, 0);  // replaced below
  DeviceConfig cfg;
  PeerConfig big;
  big.public_key = key_with(1);
  big.allowed_ips = many_ips(2000, 1000);
  big.update_only = true;
  big.preshared_key = WgSecretKey::random(crypto::system_random());
  PeerConfig small;
  small.public_key = key_with(2);
  small.allowed_ips = many_ips(1, 0);
  cfg.peers.push_back(std::move(big));
  cfg.peers.push_back(std::move(small));
  auto st = backend_on(k)->set_device("wg0", cfg);
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto& peers = k->wg_devices["wg0"];
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[key_with(1)].allowed_ips, *cfg.peers[0].allowed_ips);
  EXPECT_EQ(peers[key_with(2)].allowed_ips, *cfg.peers[1].allowed_ips);
  ASSERT_GT(k->set_requests.size(), 3u);
  // Continuations add to the list (no replace flag), keep update-only, carry no PSK.
  int continuations = 0;
  for (std::size_t m = 1; m + 1 < k->set_requests.size(); ++m) {
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(k->set_requests[m].data());
    for (const nlattr* a : top_attrs(nlh)) {
      if (mnl_attr_get_type(a) != WGDEVICE_A_PEERS) continue;
      for (const nlattr* p : nested_attrs(a)) {
        for (const nlattr* f : nested_attrs(p)) {
          EXPECT_NE(mnl_attr_get_type(f), WGPEER_A_PRESHARED_KEY);
          if (mnl_attr_get_type(f) == WGPEER_A_FLAGS) {
            EXPECT_EQ(mnl_attr_get_u32(f), static_cast<uint32_t>(WGPEER_F_UPDATE_ONLY));
          }
        }
        ++continuations;
      }
    }
  }
  EXPECT_GE(continuations, 2);
}

TEST(KernelBackendFake, UpdateOnlyContinuationNeverCreatesThePeer) {
  auto k = std::make_shared<FakeKernel>();
  k->wg_devices["wg0"];
  DeviceConfig cfg;
  PeerConfig big;
  big.public_key = key_with(9);
  big.allowed_ips = many_ips(2000, 0);
  big.update_only = true;
  cfg.peers.push_back(std::move(big));
  ASSERT_TRUE(backend_on(k)->set_device("wg0", cfg).ok());
  EXPECT_TRUE(k->wg_devices["wg0"].empty());
}

TEST(KernelBackendFake, BadNamesAreNoSuchInterfaceWithoutAsking) {
  auto k = std::make_shared<FakeKernel>();
  auto b = backend_on(k);
  for (std::string name : {std::string(), std::string("sixteen-chars-xx")}) {
    auto got = b->get_device(name);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.error().kind, WgErrorKind::kNoSuchDevice);
    EXPECT_NE(got.error().message.find("no such interface"), std::string::npos);
    EXPECT_NE(got.error().message.find("\"" + name + "\""), std::string::npos);
    auto err = b->set_device(name, {});
    ASSERT_FALSE(err.ok());
    EXPECT_NE(err.error().message.find("no such interface"), std::string::npos);
  }
  EXPECT_EQ(k->get_requests, 0);
  EXPECT_TRUE(k->set_requests.empty());
}

TEST(KernelBackendFake, OtherDevicesAndMissingOnesAreNamed) {
  auto k = std::make_shared<FakeKernel>();
  k->other_devices.insert("eth0");
  auto b = backend_on(k);
  auto got = b->get_device("eth0");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "kernel WireGuard eth0: not a WireGuard device");
  auto err = b->set_device("eth0", {});
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().message, "kernel WireGuard eth0: not a WireGuard device");
  got = b->get_device("wg7");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, WgErrorKind::kNoSuchDevice);
  EXPECT_EQ(got.error().message, "kernel WireGuard wg7: no such interface");
}

}  // namespace
}  // namespace rosenpass::wireguard
