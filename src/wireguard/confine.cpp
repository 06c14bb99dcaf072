#include "rosenpass/wireguard/confine.h"

#include <sys/prctl.h>
#include <unistd.h>

namespace rosenpass::wireguard {

base::Status confine_process(const ConfineOptions& o) {
  // The switch needs CAP_SETUID/CAP_SETGID and keeps the capabilities we have; the cut to the
  // role comes after it.
  if (o.user && ::geteuid() == 0) {
    auto user = hardening::lookup_user(*o.user);
    if (!user) return user.error();
    if (auto st = hardening::switch_user(*user); !st) return st;
  }
  if (auto st = restrict_capabilities(o.role, o.keep_capabilities); !st) return st;
  if (!o.seccomp) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
      return base::make_error("no_new_privs failed");
    return base::Ok{};
  }
  if (auto e = hardening::restrict_syscalls(o.syscalls)) return base::make_error(*e);
  return base::Ok{};
}

}  // namespace rosenpass::wireguard
