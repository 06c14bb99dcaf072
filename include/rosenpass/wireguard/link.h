// Network links over rtnetlink (libmnl), for `rp exchange`: create a kernel WireGuard link,
// bring a link up, delete it. All act in the calling thread's network namespace.
#pragma once

#include <string>
#include <string_view>

#include "rosenpass/base/result.h"

namespace rosenpass::wireguard {

enum class LinkError {
  kExists,        // a link with that name already exists
  kNotSupported,  // the kernel has no WireGuard link type
  kNoSuchDevice,
  kPermission,
  kInvalidName,
  kOther,
};
struct LinkFailure {
  LinkError kind;
  std::string message;
};
using LinkStatus = base::Result<base::Ok, LinkFailure>;

// `ip link add <name> type wireguard`, failing if the name is taken.
LinkStatus create_wireguard_link(std::string_view name);
// `ip link set <name> up`.
LinkStatus set_link_up(std::string_view name);
// `ip link del <name>`; a missing link is kNoSuchDevice.
LinkStatus delete_link(std::string_view name);
bool link_exists(std::string_view name);

}  // namespace rosenpass::wireguard
