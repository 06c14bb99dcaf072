// Process confinement after set-up (issue 18 item 4): switch to an unprivileged user, set
// no_new_privs, and install a seccomp filter allowing only the system calls the programs use.
// Capabilities themselves are the wireguard layer's business (wireguard/capabilities.h);
// wireguard/confine.h puts the steps in their order.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rosenpass/base/result.h"

namespace rosenpass::hardening {

struct UserIdentity {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;              // primary group
  std::vector<gid_t> groups;  // supplementary groups from the group database
};

// A user by name or by number ("rosenpass", "65534"). Error: "no such user "x"".
base::Result<UserIdentity> lookup_user(std::string_view name_or_uid);

// Sets groups, gid and uid (real, effective, saved) to `user`'s, keeping the permitted
// capability set across the change (PR_SET_KEEPCAPS) and making it effective again, so the
// caller then cuts capabilities down to what it needs. Needs CAP_SETUID/CAP_SETGID (run as
// root). Error: its message names the failing step.
base::Status switch_user(const UserIdentity& user);

// What a confined process may still do, beyond the common set (memory, time, signals, files
// it opens, sockets: UDP, netlink, unix).
enum class SyscallProfile {
  kNetworkService,  // rosenpass, rosenpass-wireguard-broker-privileged
  kSpawner,         // also fork/exec/wait: rosenpass-wireguard-broker-socket-handler (its
                    // helper inherits the filter), rosenpass with --psk-broker-spawn
};

// Sets no_new_privs, then installs the seccomp filter of `profile` (a call outside it kills
// the process, SIGSYS, so a missing entry is loud in tests). In a sanitizer build only
// no_new_privs is set: the sanitizer runtimes make calls of their own at any time (see
// seccomp_filter_in_this_build()).
std::optional<std::string> restrict_syscalls(SyscallProfile profile);

// False in sanitizer builds (ASan/UBSan/TSan), where restrict_syscalls() installs no filter.
bool seccomp_filter_in_this_build();

}  // namespace rosenpass::hardening
