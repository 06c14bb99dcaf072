// Message layout from linux/wireguard.h: a genlmsghdr, then WGDEVICE_A_* attributes; peers are
// a nested list whose entries (NLA_F_NESTED, type = index) hold WGPEER_A_* attributes; allowed
// IPs likewise nest WGALLOWEDIP_A_* entries.
#include "rosenpass/wireguard/wg_netlink.h"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <net/if.h>

#include <cstring>

#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::wireguard {
namespace {

constexpr std::size_t kMessageCapacity = 16384;

nlmsghdr* start_genl(NetlinkMessage& m, uint16_t type, uint16_t flags, uint32_t seq, uint8_t cmd,
                     uint8_t version) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(m.buffer());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  nlh->nlmsg_seq = seq;
  auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
  genl->cmd = cmd;
  genl->version = version;
  return nlh;
}

bool put_ifname(nlmsghdr* nlh, std::string_view device) {
  if (device.empty() || device.size() >= IFNAMSIZ) return false;
  char name[IFNAMSIZ] = {};
  std::memcpy(name, device.data(), device.size());
  mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, name);
  return true;
}

// Appends one peer entry holding the peer's allowed IPs from `next_ip` on, as many as fit in
// `cap`, and advances `next_ip` past them. A peer with more allowed IPs than one message holds
// is continued in further messages, as wireguard-tools does: a continuation (`next_ip > 0`)
// names the peer again and adds allowed IPs, without the replace flag (the first part already
// replaced the list) and without the other attributes; update-only stays, so a continuation
// never creates a peer the first part was not allowed to create. False if not even the
// peer's own attributes fit.
bool put_peer(nlmsghdr* nlh, std::size_t cap, uint16_t index, const PeerConfig& peer,
              std::size_t& next_ip) {
  const bool continuation = next_ip > 0;
  nlattr* entry = mnl_attr_nest_start_check(nlh, cap, index);
  if (!entry) return false;
  bool ok = mnl_attr_put_check(nlh, cap, WGPEER_A_PUBLIC_KEY, 32, peer.public_key.data());
  uint32_t flags = 0;
  if (peer.remove) flags |= WGPEER_F_REMOVE_ME;
  if (peer.update_only) flags |= WGPEER_F_UPDATE_ONLY;
  if (peer.allowed_ips && !peer.remove && !continuation) flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
  ok = ok && mnl_attr_put_u32_check(nlh, cap, WGPEER_A_FLAGS, flags);
  if (!peer.remove && !continuation) {
    if (peer.preshared_key) {
      ok = ok && mnl_attr_put_check(nlh, cap, WGPEER_A_PRESHARED_KEY, 32,
                                    peer.preshared_key->reveal().data());
    }
    if (peer.endpoint) {
      ok = ok && mnl_attr_put_check(nlh, cap, WGPEER_A_ENDPOINT, peer.endpoint->length,
                                    &peer.endpoint->address);
    }
    if (peer.persistent_keepalive) {
      ok = ok && mnl_attr_put_u16_check(nlh, cap, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
                                        *peer.persistent_keepalive);
    }
  }
  if (!ok) {
    mnl_attr_nest_cancel(nlh, entry);
    return false;
  }
  if (!peer.remove && peer.allowed_ips && next_ip < peer.allowed_ips->size()) {
    const auto& ips = *peer.allowed_ips;
    if (nlattr* list = mnl_attr_nest_start_check(nlh, cap, WGPEER_A_ALLOWEDIPS)) {
      std::size_t put = 0;
      for (; next_ip < ips.size(); ++next_ip, ++put) {
        const AllowedIp& ip = ips[next_ip];
        nlattr* a = mnl_attr_nest_start_check(nlh, cap, static_cast<uint16_t>(put));
        bool fits =
            a && mnl_attr_put_u16_check(nlh, cap, WGALLOWEDIP_A_FAMILY, ip.family) &&
            mnl_attr_put_check(nlh, cap, WGALLOWEDIP_A_IPADDR, ip.family == AF_INET ? 4 : 16,
                               ip.address.data()) &&
            mnl_attr_put_u8_check(nlh, cap, WGALLOWEDIP_A_CIDR_MASK, ip.cidr);
        if (!fits) {
          if (a) mnl_attr_nest_cancel(nlh, a);
          break;
        }
        mnl_attr_nest_end(nlh, a);
      }
      if (put > 0) {
        mnl_attr_nest_end(nlh, list);
      } else {
        mnl_attr_nest_cancel(nlh, list);
      }
    }
  }
  mnl_attr_nest_end(nlh, entry);
  return true;
}

// Calls f(entry) for each attribute nested in `list`; stops and returns false when f does.
template <typename F>
bool for_each_nested(const nlattr* list, F f) {
  const auto* begin = static_cast<const uint8_t*>(mnl_attr_get_payload(list));
  const uint8_t* end = begin + mnl_attr_get_payload_len(list);
  for (auto* a = reinterpret_cast<const nlattr*>(begin);
       mnl_attr_ok(a, static_cast<int>(end - reinterpret_cast<const uint8_t*>(a)));
       a = mnl_attr_next(a)) {
    if (!f(a)) return false;
  }
  return true;
}

// Parsing callbacks: collect the attribute table of one nesting level.
template <int Max>
struct AttrTable {
  const nlattr* at[Max + 1] = {};
};

template <int Max>
int collect(const nlattr* attr, void* data) {
  auto* table = static_cast<AttrTable<Max>*>(data);
  int type = mnl_attr_get_type(attr);
  if (type >= 0 && type <= Max) table->at[type] = attr;
  return MNL_CB_OK;
}

bool decode_allowed_ip(const nlattr* entry, AllowedIp& ip) {
  AttrTable<WGALLOWEDIP_A_MAX> t;
  if (mnl_attr_parse_nested(entry, collect<WGALLOWEDIP_A_MAX>, &t) != MNL_CB_OK) return false;
  if (!t.at[WGALLOWEDIP_A_FAMILY] || !t.at[WGALLOWEDIP_A_IPADDR] || !t.at[WGALLOWEDIP_A_CIDR_MASK])
    return false;
  if (mnl_attr_validate(t.at[WGALLOWEDIP_A_FAMILY], MNL_TYPE_U16) < 0 ||
      mnl_attr_validate(t.at[WGALLOWEDIP_A_CIDR_MASK], MNL_TYPE_U8) < 0)
    return false;
  ip.family = mnl_attr_get_u16(t.at[WGALLOWEDIP_A_FAMILY]);
  std::size_t want = ip.family == AF_INET ? 4 : ip.family == AF_INET6 ? 16 : 0;
  if (want == 0 || mnl_attr_get_payload_len(t.at[WGALLOWEDIP_A_IPADDR]) < want) return false;
  std::memcpy(ip.address.data(), mnl_attr_get_payload(t.at[WGALLOWEDIP_A_IPADDR]), want);
  ip.cidr = mnl_attr_get_u8(t.at[WGALLOWEDIP_A_CIDR_MASK]);
  return true;
}

bool decode_peer(const nlattr* entry, DeviceInfo& info) {
  AttrTable<WGPEER_A_MAX> t;
  if (mnl_attr_parse_nested(entry, collect<WGPEER_A_MAX>, &t) != MNL_CB_OK) return false;
  const nlattr* pk = t.at[WGPEER_A_PUBLIC_KEY];
  if (!pk || mnl_attr_get_payload_len(pk) != 32) return false;
  WgPublicKey key{};
  std::memcpy(key.data(), mnl_attr_get_payload(pk), 32);
  // A peer whose allowed IPs did not fit continues at the start of the next message.
  if (info.peers.empty() || info.peers.back().public_key != key) {
    info.peers.emplace_back();
    info.peers.back().public_key = key;
  }
  PeerInfo& peer = info.peers.back();
  if (const nlattr* psk = t.at[WGPEER_A_PRESHARED_KEY]) {
    if (mnl_attr_get_payload_len(psk) != 32) return false;
    peer.has_preshared_key = !crypto::ct_is_zero(
        std::span<const uint8_t>(static_cast<const uint8_t*>(mnl_attr_get_payload(psk)), 32));
  }
  if (const nlattr* ep = t.at[WGPEER_A_ENDPOINT]) {
    auto len = mnl_attr_get_payload_len(ep);
    if (len == sizeof(sockaddr_in) || len == sizeof(sockaddr_in6)) {
      Endpoint e;
      std::memcpy(&e.address, mnl_attr_get_payload(ep), len);
      e.length = static_cast<socklen_t>(len);
      peer.endpoint = e;
    }
  }
  if (const nlattr* ka = t.at[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]) {
    if (mnl_attr_validate(ka, MNL_TYPE_U16) < 0) return false;
    peer.persistent_keepalive = mnl_attr_get_u16(ka);
  }
  if (const nlattr* hs = t.at[WGPEER_A_LAST_HANDSHAKE_TIME]) {
    // struct __kernel_timespec: two 64-bit fields.
    if (mnl_attr_get_payload_len(hs) != 16) return false;
    int64_t ts[2];
    std::memcpy(ts, mnl_attr_get_payload(hs), sizeof ts);
    peer.last_handshake_sec = ts[0];
    peer.last_handshake_nsec = ts[1];
  }
  if (const nlattr* list = t.at[WGPEER_A_ALLOWEDIPS]) {
    bool ok = for_each_nested(list, [&](const nlattr* a) {
      AllowedIp ip;
      if (!decode_allowed_ip(a, ip)) return false;
      peer.allowed_ips.push_back(ip);
      return true;
    });
    if (!ok) return false;
  }
  return true;
}

// The message's own length lies within `message` and covers a generic netlink header.
// mnl_nlmsg_ok alone is not enough: it compares nlmsg_len as a signed int, so a length of
// 2^31 or more passes and mnl_attr_parse then walks far past the buffer (found by
// fuzz_netlink and fuzz_wireguard).
bool whole_genl_message(const nlmsghdr* nlh, std::size_t size) {
  return nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(genlmsghdr) && nlh->nlmsg_len <= size &&
         mnl_nlmsg_ok(nlh, static_cast<int>(size));
}

}  // namespace

NetlinkMessage::~NetlinkMessage() {
  if (!bytes_.empty()) crypto::wipe(bytes_);
}

NetlinkMessage encode_get_family_request(uint32_t seq) {
  NetlinkMessage m(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh =
      start_genl(m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, CTRL_CMD_GETFAMILY, 1);
  mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
  m.set_used(nlh->nlmsg_len);
  return m;
}

std::optional<uint16_t> decode_family_id(std::span<const uint8_t> message) {
  if (message.size() < sizeof(nlmsghdr)) return std::nullopt;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(message.data());
  if (!whole_genl_message(nlh, message.size()) || nlh->nlmsg_type != GENL_ID_CTRL)
    return std::nullopt;
  AttrTable<CTRL_ATTR_MAX> t;
  if (mnl_attr_parse(nlh, sizeof(genlmsghdr), collect<CTRL_ATTR_MAX>, &t) != MNL_CB_OK)
    return std::nullopt;
  const nlattr* id = t.at[CTRL_ATTR_FAMILY_ID];
  if (!id || mnl_attr_validate(id, MNL_TYPE_U16) < 0) return std::nullopt;
  return mnl_attr_get_u16(id);
}

base::Result<std::vector<NetlinkMessage>, WgError> encode_set_device(uint16_t family, uint32_t seq,
                                                                     std::string_view device,
                                                                     const DeviceConfig& config) {
  std::vector<NetlinkMessage> out;
  auto start = [&](bool first) -> nlmsghdr* {
    out.emplace_back(kMessageCapacity);
    nlmsghdr* nlh =
        start_genl(out.back(), family, NLM_F_REQUEST | NLM_F_ACK,
                   seq + static_cast<uint32_t>(out.size() - 1), WG_CMD_SET_DEVICE, WG_GENL_VERSION);
    put_ifname(nlh, device);
    if (first) {
      if (config.replace_peers) mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
      if (config.private_key)
        mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, 32, config.private_key->reveal().data());
      if (config.listen_port) mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, *config.listen_port);
    }
    return nlh;
  };
  if (device.empty() || device.size() >= IFNAMSIZ) {
    return WgError{WgErrorKind::kNoSuchDevice,
                   "kernel WireGuard \"" + std::string(device) +
                       "\": no such interface (interface names are 1 to 15 bytes)"};
  }

  nlmsghdr* nlh = start(true);
  for (std::size_t i = 0; i < config.peers.size(); ++i) {
    const PeerConfig& peer = config.peers[i];
    const std::size_t ips = peer.allowed_ips && !peer.remove ? peer.allowed_ips->size() : 0;
    std::size_t next_ip = 0;
    do {
      // One peer (or one part of a peer) per message keeps every message far below the
      // socket buffer size.
      if (i > 0 || next_ip > 0) nlh = start(false);
      const std::size_t before = next_ip;
      nlattr* peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
      if (!put_peer(nlh, kMessageCapacity, 0, peer, next_ip) ||
          (next_ip == before && next_ip < ips)) {
        return WgError{WgErrorKind::kInvalidInput, "kernel WireGuard " + std::string(device) +
                                                       ": peer " + std::to_string(i) +
                                                       " does not fit in a netlink message"};
      }
      mnl_attr_nest_end(nlh, peers);
      out.back().set_used(nlh->nlmsg_len);
    } while (next_ip < ips);
  }
  out.back().set_used(nlh->nlmsg_len);
  return out;
}

NetlinkMessage encode_get_device_request(uint16_t family, uint32_t seq, std::string_view device) {
  NetlinkMessage m(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = start_genl(m, family, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, seq,
                             WG_CMD_GET_DEVICE, WG_GENL_VERSION);
  put_ifname(nlh, device);
  m.set_used(nlh->nlmsg_len);
  return m;
}

bool decode_get_device_reply(std::span<const uint8_t> message, DeviceInfo& info) {
  if (message.size() < sizeof(nlmsghdr)) return false;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(message.data());
  if (!whole_genl_message(nlh, message.size())) return false;
  AttrTable<WGDEVICE_A_MAX> t;
  if (mnl_attr_parse(nlh, sizeof(genlmsghdr), collect<WGDEVICE_A_MAX>, &t) != MNL_CB_OK)
    return false;
  if (const nlattr* pk = t.at[WGDEVICE_A_PUBLIC_KEY]) {
    if (mnl_attr_get_payload_len(pk) != 32) return false;
    WgPublicKey key{};
    std::memcpy(key.data(), mnl_attr_get_payload(pk), 32);
    info.public_key = key;
  }
  if (const nlattr* port = t.at[WGDEVICE_A_LISTEN_PORT]) {
    if (mnl_attr_validate(port, MNL_TYPE_U16) < 0) return false;
    info.listen_port = mnl_attr_get_u16(port);
  }
  if (const nlattr* peers = t.at[WGDEVICE_A_PEERS]) {
    if (!for_each_nested(peers, [&](const nlattr* p) { return decode_peer(p, info); }))
      return false;
  }
  return true;
}

}  // namespace rosenpass::wireguard
