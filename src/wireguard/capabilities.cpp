#include "rosenpass/wireguard/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <cstring>

namespace rosenpass::wireguard {
namespace {

struct CapSets {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
};

bool get_caps(CapSets& c) {
  return ::syscall(SYS_capget, &c.header, c.data) == 0;
}
bool set_caps(CapSets& c) {
  return ::syscall(SYS_capset, &c.header, c.data) == 0;
}

bool in(const __user_cap_data_struct* d, int cap, uint32_t __user_cap_data_struct::*set) {
  return (d[CAP_TO_INDEX(cap)].*set & CAP_TO_MASK(cap)) != 0;
}

}  // namespace

bool has_effective_net_admin() {
  CapSets c;
  return get_caps(c) && in(c.data, CAP_NET_ADMIN, &__user_cap_data_struct::effective);
}

std::span<const int> key_output_capabilities() {
  static constexpr int kCaps[] = {CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER};
  return kCaps;
}

base::Status restrict_capabilities(CapabilityRole role, std::span<const int> also_keep) {
  CapSets c;
  if (!get_caps(c)) return base::make_error(std::string("capget: ") + std::strerror(errno));
  bool keep_net_admin = role != CapabilityRole::kNone &&
                        in(c.data, CAP_NET_ADMIN, &__user_cap_data_struct::permitted);
  auto kept = [&](int cap) {
    return std::find(also_keep.begin(), also_keep.end(), cap) != also_keep.end() &&
           in(c.data, cap, &__user_cap_data_struct::permitted);
  };

  // The bounding set limits what any later exec can gain, including root's exec rule.
  // Dropping from it needs CAP_SETPCAP; without it there is nothing a child could gain anyway
  // beyond file capabilities.
  if (in(c.data, CAP_SETPCAP, &__user_cap_data_struct::effective)) {
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
      if ((keep_net_admin && cap == CAP_NET_ADMIN) || kept(cap)) continue;
      if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
        return base::make_error(std::string("dropping bounding capability: ") +
                                std::strerror(errno));
      }
    }
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);

  CapSets next;
  for (int cap : also_keep) {
    if (!kept(cap)) continue;
    next.data[CAP_TO_INDEX(cap)].permitted |= CAP_TO_MASK(cap);
    next.data[CAP_TO_INDEX(cap)].effective |= CAP_TO_MASK(cap);
  }
  for (std::size_t i = 0; i < std::size(c.data); ++i) c.data[i] = next.data[i];
  if (keep_net_admin) {
    auto& d = c.data[CAP_TO_INDEX(CAP_NET_ADMIN)];
    d.permitted |= CAP_TO_MASK(CAP_NET_ADMIN);
    if (role == CapabilityRole::kUseNetAdmin) d.effective |= CAP_TO_MASK(CAP_NET_ADMIN);
    if (role == CapabilityRole::kPassNetAdmin) d.inheritable |= CAP_TO_MASK(CAP_NET_ADMIN);
  }
  if (!set_caps(c)) return base::make_error(std::string("capset: ") + std::strerror(errno));
  if (keep_net_admin && role == CapabilityRole::kPassNetAdmin &&
      ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) != 0) {
    return base::make_error(std::string("raising ambient CAP_NET_ADMIN: ") + std::strerror(errno));
  }
  return base::Ok{};
}

}  // namespace rosenpass::wireguard
