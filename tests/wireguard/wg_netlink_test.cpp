// Kernel WireGuard messages, checked against the attribute layout documented in
// linux/wireguard.h with libmnl's own parser (no kernel module is needed or used).
#include "rosenpass/wireguard/wg_netlink.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>

#include <cstring>
#include <map>

#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/backend.h"

namespace rosenpass::wireguard {
namespace {

// All attributes of one nesting level by type, keeping order and the nested flag.
struct Attrs {
  std::vector<const nlattr*> list;
  std::map<int, const nlattr*> by_type;
};

int collect_cb(const nlattr* a, void* data) {
  auto* attrs = static_cast<Attrs*>(data);
  attrs->list.push_back(a);
  attrs->by_type[mnl_attr_get_type(a)] = a;
  return MNL_CB_OK;
}

Attrs top_level(std::span<const uint8_t> msg) {
  Attrs attrs;
  auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
  EXPECT_EQ(mnl_attr_parse(nlh, sizeof(genlmsghdr), collect_cb, &attrs), MNL_CB_OK);
  return attrs;
}

Attrs nested(const nlattr* a) {
  Attrs attrs;
  EXPECT_TRUE(mnl_attr_get_type(a) == 0 || (a->nla_type & NLA_F_NESTED)) << "nested flag missing";
  EXPECT_EQ(mnl_attr_parse_nested(a, collect_cb, &attrs), MNL_CB_OK);
  return attrs;
}

std::vector<uint8_t> payload(const nlattr* a) {
  auto* p = static_cast<const uint8_t*>(mnl_attr_get_payload(a));
  return {p, p + mnl_attr_get_payload_len(a)};
}

WgPublicKey key_with(uint8_t seed) {
  WgPublicKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i);
  return k;
}

TEST(WgNetlink, SetDeviceLayout) {
  DeviceConfig cfg;
  cfg.private_key = WgSecretKey::random(crypto::system_random());
  cfg.listen_port = 51821;
  cfg.replace_peers = true;
  PeerConfig a;
  a.public_key = key_with(1);
  a.preshared_key = WgSecretKey::random(crypto::system_random());
  a.endpoint = parse_endpoint("192.0.2.1:51820");
  a.persistent_keepalive = 25;
  a.allowed_ips = parse_allowed_ips("10.0.0.0/24, fd00::1/128");
  a.update_only = true;
  PeerConfig b;
  b.public_key = key_with(100);
  b.remove = true;
  cfg.peers.push_back(std::move(a));
  cfg.peers.push_back(std::move(b));

  auto encoded = encode_set_device(0x1234, 77, "wg-test0", cfg);
  ASSERT_TRUE(encoded.ok());
  auto& msgs = encoded.value();
  ASSERT_EQ(msgs.size(), 2u);

  // Message 1: header, device attributes and the first peer.
  auto m1 = msgs[0].bytes();
  auto* nlh = reinterpret_cast<const nlmsghdr*>(m1.data());
  ASSERT_TRUE(mnl_nlmsg_ok(nlh, static_cast<int>(m1.size())));
  EXPECT_EQ(nlh->nlmsg_len, m1.size());
  EXPECT_EQ(nlh->nlmsg_type, 0x1234);
  EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(nlh->nlmsg_seq, 77u);
  auto* genl = static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh));
  EXPECT_EQ(genl->cmd, WG_CMD_SET_DEVICE);
  EXPECT_EQ(genl->version, WG_GENL_VERSION);

  Attrs dev = top_level(m1);
  ASSERT_TRUE(dev.by_type.count(WGDEVICE_A_IFNAME));
  EXPECT_STREQ(mnl_attr_get_str(dev.by_type[WGDEVICE_A_IFNAME]), "wg-test0");
  EXPECT_EQ(mnl_attr_get_payload_len(dev.by_type[WGDEVICE_A_IFNAME]), 9u);  // NUL-terminated
  ASSERT_TRUE(dev.by_type.count(WGDEVICE_A_PRIVATE_KEY));
  auto sk = payload(dev.by_type[WGDEVICE_A_PRIVATE_KEY]);
  EXPECT_TRUE(crypto::ct_equal(sk, cfg.private_key->reveal()));
  ASSERT_EQ(mnl_attr_validate(dev.by_type[WGDEVICE_A_LISTEN_PORT], MNL_TYPE_U16), 0);
  EXPECT_EQ(mnl_attr_get_u16(dev.by_type[WGDEVICE_A_LISTEN_PORT]), 51821);  // host order
  EXPECT_EQ(mnl_attr_get_u32(dev.by_type[WGDEVICE_A_FLAGS]), WGDEVICE_F_REPLACE_PEERS);

  ASSERT_TRUE(dev.by_type.count(WGDEVICE_A_PEERS));
  Attrs peers = nested(dev.by_type[WGDEVICE_A_PEERS]);
  ASSERT_EQ(peers.list.size(), 1u);
  EXPECT_TRUE(peers.list[0]->nla_type & NLA_F_NESTED);
  Attrs p = nested(peers.list[0]);
  EXPECT_EQ(payload(p.by_type[WGPEER_A_PUBLIC_KEY]),
            std::vector<uint8_t>(cfg.peers[0].public_key.begin(), cfg.peers[0].public_key.end()));
  EXPECT_TRUE(crypto::ct_equal(payload(p.by_type[WGPEER_A_PRESHARED_KEY]),
                               cfg.peers[0].preshared_key->reveal()));
  EXPECT_EQ(mnl_attr_get_u32(p.by_type[WGPEER_A_FLAGS]),
            WGPEER_F_UPDATE_ONLY | WGPEER_F_REPLACE_ALLOWEDIPS);
  EXPECT_EQ(mnl_attr_get_u16(p.by_type[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]), 25);
  auto ep = payload(p.by_type[WGPEER_A_ENDPOINT]);
  ASSERT_EQ(ep.size(), sizeof(sockaddr_in));
  sockaddr_in sin{};
  std::memcpy(&sin, ep.data(), sizeof sin);
  EXPECT_EQ(sin.sin_family, AF_INET);
  EXPECT_EQ(ntohs(sin.sin_port), 51820);
  EXPECT_EQ(ntohl(sin.sin_addr.s_addr), 0xC0000201u);

  Attrs ips = nested(p.by_type[WGPEER_A_ALLOWEDIPS]);
  ASSERT_EQ(ips.list.size(), 2u);
  Attrs ip4 = nested(ips.list[0]);
  EXPECT_EQ(mnl_attr_get_u16(ip4.by_type[WGALLOWEDIP_A_FAMILY]), AF_INET);
  EXPECT_EQ(payload(ip4.by_type[WGALLOWEDIP_A_IPADDR]), (std::vector<uint8_t>{10, 0, 0, 0}));
  EXPECT_EQ(mnl_attr_get_u8(ip4.by_type[WGALLOWEDIP_A_CIDR_MASK]), 24);
  Attrs ip6 = nested(ips.list[1]);
  EXPECT_EQ(mnl_attr_get_u16(ip6.by_type[WGALLOWEDIP_A_FAMILY]), AF_INET6);
  auto a6 = payload(ip6.by_type[WGALLOWEDIP_A_IPADDR]);
  ASSERT_EQ(a6.size(), 16u);
  EXPECT_EQ(a6[0], 0xfd);
  EXPECT_EQ(a6[15], 1);
  EXPECT_EQ(mnl_attr_get_u8(ip6.by_type[WGALLOWEDIP_A_CIDR_MASK]), 128);

  // Message 2: only the device name and the second peer (flag remove-me, nothing else).
  Attrs dev2 = top_level(msgs[1].bytes());
  EXPECT_EQ(reinterpret_cast<const nlmsghdr*>(msgs[1].bytes().data())->nlmsg_seq, 78u);
  EXPECT_STREQ(mnl_attr_get_str(dev2.by_type[WGDEVICE_A_IFNAME]), "wg-test0");
  EXPECT_FALSE(dev2.by_type.count(WGDEVICE_A_PRIVATE_KEY));
  EXPECT_FALSE(dev2.by_type.count(WGDEVICE_A_FLAGS));
  Attrs p2 = nested(nested(dev2.by_type[WGDEVICE_A_PEERS]).list[0]);
  EXPECT_EQ(mnl_attr_get_u32(p2.by_type[WGPEER_A_FLAGS]), WGPEER_F_REMOVE_ME);
  EXPECT_FALSE(p2.by_type.count(WGPEER_A_PRESHARED_KEY));
  EXPECT_EQ(p2.list.size(), 2u);
}

TEST(WgNetlink, SetDeviceRejectsBadNames) {
  DeviceConfig cfg;
  EXPECT_FALSE(encode_set_device(1, 1, "", cfg).ok());
  EXPECT_FALSE(encode_set_device(1, 1, "sixteen-chars-xx", cfg).ok());
  EXPECT_TRUE(encode_set_device(1, 1, "fifteen-chars-x", cfg).ok());
}

TEST(WgNetlink, GetFamilyRequestAndReply) {
  auto req = encode_get_family_request(5);
  auto* nlh = reinterpret_cast<const nlmsghdr*>(req.bytes().data());
  EXPECT_EQ(nlh->nlmsg_type, GENL_ID_CTRL);
  auto* genl = static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh));
  EXPECT_EQ(genl->cmd, CTRL_CMD_GETFAMILY);
  Attrs a = top_level(req.bytes());
  EXPECT_STREQ(mnl_attr_get_str(a.by_type[CTRL_ATTR_FAMILY_NAME]), "wireguard");

  // A reply as the controller sends it: name and id.
  std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* r = mnl_nlmsg_put_header(buf.data());
  r->nlmsg_type = GENL_ID_CTRL;
  auto* rg = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(r, sizeof(genlmsghdr)));
  rg->cmd = CTRL_CMD_NEWFAMILY;
  mnl_attr_put_strz(r, CTRL_ATTR_FAMILY_NAME, "wireguard");
  mnl_attr_put_u16(r, CTRL_ATTR_FAMILY_ID, 0x2a);
  EXPECT_EQ(decode_family_id({buf.data(), r->nlmsg_len}), 0x2a);
  EXPECT_FALSE(decode_family_id({buf.data(), 10}));
}

// Builds a WG_CMD_GET_DEVICE reply as the kernel lays it out.
struct ReplyBuilder {
  std::vector<uint8_t> buf = std::vector<uint8_t>(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh;
  nlattr* peers = nullptr;
  ReplyBuilder() {
    nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = 0x30;
    auto* g = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
    g->cmd = WG_CMD_GET_DEVICE;
    g->version = 1;
    mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wg0");
  }
  void peer(uint16_t idx, const WgPublicKey& pk, bool psk, std::vector<AllowedIp> ips) {
    if (!peers) peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
    nlattr* p = mnl_attr_nest_start(nlh, idx);
    mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, 32, pk.data());
    std::array<uint8_t, 32> k{};
    if (psk) k[3] = 9;
    mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, 32, k.data());
    nlattr* list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
    uint16_t i = 0;
    for (auto& ip : ips) {
      nlattr* e = mnl_attr_nest_start(nlh, i++);
      mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, ip.family);
      mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, ip.family == AF_INET ? 4 : 16, ip.address.data());
      mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, ip.cidr);
      mnl_attr_nest_end(nlh, e);
    }
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, p);
  }
  std::span<const uint8_t> done() {
    if (peers) mnl_attr_nest_end(nlh, peers);
    return {buf.data(), nlh->nlmsg_len};
  }
};

TEST(WgNetlink, GetDeviceReplyJoinsSplitPeers) {
  DeviceInfo info;
  ReplyBuilder first;
  WgPublicKey pub = key_with(7);
  mnl_attr_put(first.nlh, WGDEVICE_A_PUBLIC_KEY, 32, pub.data());
  mnl_attr_put_u16(first.nlh, WGDEVICE_A_LISTEN_PORT, 51820);
  first.peer(0, key_with(1), true, {*parse_allowed_ip("10.0.0.0/8")});
  first.peer(1, key_with(2), false, {*parse_allowed_ip("10.1.0.0/16")});
  ASSERT_TRUE(decode_get_device_reply(first.done(), info));
  // The kernel continues peer 2's allowed IPs in the next message.
  ReplyBuilder second;
  second.peer(0, key_with(2), false, {*parse_allowed_ip("fd00::/8")});
  ASSERT_TRUE(decode_get_device_reply(second.done(), info));

  ASSERT_TRUE(info.public_key);
  EXPECT_EQ(*info.public_key, pub);
  EXPECT_EQ(info.listen_port, 51820);
  ASSERT_EQ(info.peers.size(), 2u);
  EXPECT_TRUE(info.peers[0].has_preshared_key);
  EXPECT_FALSE(info.peers[1].has_preshared_key);
  ASSERT_EQ(info.peers[1].allowed_ips.size(), 2u);
  EXPECT_EQ(format_allowed_ip(info.peers[1].allowed_ips[1]), "fd00::/8");
  EXPECT_TRUE(info.has_peer(key_with(1)));
  EXPECT_FALSE(info.has_peer(key_with(3)));
}

TEST(WgNetlink, MalformedRepliesAreRejected) {
  ReplyBuilder r;
  r.peer(0, key_with(1), true, {});
  auto good = r.done();
  std::vector<uint8_t> bytes(good.begin(), good.end());
  DeviceInfo info;
  EXPECT_FALSE(decode_get_device_reply(std::span<const uint8_t>(bytes.data(), 8), info));
  // Truncate inside the peer: the length no longer matches the header.
  EXPECT_FALSE(
      decode_get_device_reply(std::span<const uint8_t>(bytes.data(), bytes.size() - 4), info));
  // Corrupt the public key length of the peer.
  for (std::size_t i = 0; i + 4 < bytes.size(); ++i) {
    uint16_t len, type;
    std::memcpy(&len, &bytes[i], 2);
    std::memcpy(&type, &bytes[i + 2], 2);
    if (len == 36 && type == WGPEER_A_PUBLIC_KEY && bytes[i + 4] == 1) {
      uint16_t shorter = 20;
      std::memcpy(&bytes[i], &shorter, 2);
      break;
    }
  }
  DeviceInfo info2;
  EXPECT_FALSE(decode_get_device_reply(bytes, info2));
}

// A header length of 2^31 or more: libmnl's mnl_nlmsg_ok compares it as a signed int and lets
// it pass; the decoders refuse it instead of parsing attributes past the buffer (found by
// fuzz_netlink and fuzz_wireguard; ASan reports the read without the check).
TEST(WgNetlink, HeaderLengthBeyondTheBufferIsRejected) {
  ReplyBuilder r;
  r.peer(0, key_with(1), true, {});
  auto good = r.done();
  std::vector<uint8_t> bytes(good.begin(), good.end());
  for (uint32_t len : {0x80000000u, 0xFFFFFFF0u, static_cast<uint32_t>(bytes.size() + 4)}) {
    auto* nlh = reinterpret_cast<nlmsghdr*>(bytes.data());
    nlh->nlmsg_len = len;
    DeviceInfo info;
    EXPECT_FALSE(decode_get_device_reply(bytes, info)) << len;
    EXPECT_FALSE(decode_family_id(bytes)) << len;
  }
}

// This machine may or may not have kernel WireGuard; either way a missing device is reported
// as such, never as success or a crash.
TEST(KernelBackend, MissingDeviceIsReported) {
  auto backend = make_kernel_backend();
  DeviceConfig cfg;
  auto err = backend->set_device("rpnosuchdev0", cfg);
  ASSERT_FALSE(err.ok());
  EXPECT_TRUE(err.error().kind == WgErrorKind::kNoSuchDevice ||
              err.error().kind == WgErrorKind::kPermission)
      << err.error().message;
  auto got = backend->get_device("rpnosuchdev0");
  EXPECT_FALSE(got.ok());
}

}  // namespace
}  // namespace rosenpass::wireguard
