#include "rosenpass/wireguard/link.h"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace rosenpass::wireguard {
namespace {

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() < IFNAMSIZ && name.find('/') == std::string_view::npos &&
         name.find_first_of(" \t\n:") == std::string_view::npos;
}

LinkFailure failure(int e, std::string_view name, std::string_view what) {
  LinkError kind = LinkError::kOther;
  if (e == EEXIST) kind = LinkError::kExists;
  if (e == EOPNOTSUPP) kind = LinkError::kNotSupported;
  if (e == ENODEV) kind = LinkError::kNoSuchDevice;
  if (e == EPERM || e == EACCES) kind = LinkError::kPermission;
  std::string msg = std::string(what) + " " + std::string(name) + ": " + std::strerror(e);
  if (kind == LinkError::kExists) msg = "device \"" + std::string(name) + "\" already exists";
  return {kind, msg};
}

// Sends one rtnetlink request and waits for its acknowledgement; returns 0 or an errno value.
int rtnl_request(nlmsghdr* nlh) {
  mnl_socket* nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!nl) return errno;
  int rc = 0;
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    rc = errno;
  } else {
    timeval tv{5, 0};
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    unsigned port = mnl_socket_get_portid(nl);
    nlh->nlmsg_seq = static_cast<uint32_t>(time(nullptr));
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
      rc = errno;
    } else {
      std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
      ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
      if (n < 0) {
        rc = errno;
      } else if (mnl_cb_run(buf.data(), n, nlh->nlmsg_seq, port, nullptr, nullptr) < 0) {
        rc = errno;
      }
    }
  }
  mnl_socket_close(nl);
  return rc;
}

nlmsghdr* start_link_msg(std::vector<uint8_t>& buf, uint16_t type, uint16_t flags) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  return nlh;
}

void put_name(nlmsghdr* nlh, std::string_view name) {
  char buf[IFNAMSIZ] = {};
  std::memcpy(buf, name.data(), name.size());
  mnl_attr_put_strz(nlh, IFLA_IFNAME, buf);
}

}  // namespace

LinkStatus create_wireguard_link(std::string_view name) {
  if (!valid_name(name)) return LinkFailure{LinkError::kInvalidName, "invalid interface name"};
  std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = start_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  put_name(nlh, name);
  nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "wireguard");
  mnl_attr_nest_end(nlh, info);
  int rc = rtnl_request(nlh);
  if (rc == 0) return base::Ok{};
  // Without the module the kernel answers "Unknown device type" (EOPNOTSUPP).
  return failure(rc, name, "cannot create WireGuard device");
}

LinkStatus set_link_up(std::string_view name) {
  if (!valid_name(name)) return LinkFailure{LinkError::kInvalidName, "invalid interface name"};
  std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = start_link_msg(buf, RTM_NEWLINK, 0);
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;
  put_name(nlh, name);
  int rc = rtnl_request(nlh);
  if (rc == 0) return base::Ok{};
  return failure(rc, name, "cannot set up");
}

LinkStatus delete_link(std::string_view name) {
  if (!valid_name(name)) return LinkFailure{LinkError::kInvalidName, "invalid interface name"};
  std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = start_link_msg(buf, RTM_DELLINK, 0);
  put_name(nlh, name);
  int rc = rtnl_request(nlh);
  if (rc == 0) return base::Ok{};
  return failure(rc, name, "cannot delete");
}

bool link_exists(std::string_view name) {
  if (!valid_name(name)) return false;
  return if_nametoindex(std::string(name).c_str()) != 0;
}

}  // namespace rosenpass::wireguard
