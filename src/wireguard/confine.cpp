#include "rosenpass/wireguard/confine.h"

#include <sys/prctl.h>
#include <unistd.h>

namespace rosenpass::wireguard {

std::optional<std::string> confine_process(const ConfineOptions& o) {
  // The switch needs CAP_SETUID/CAP_SETGID and keeps the capabilities we have; the cut to the
  // role comes after it.
  if (o.user && ::geteuid() == 0) {
    auto user = hardening::lookup_user(*o.user);
    if (auto* e = std::get_if<std::string>(&user)) return *e;
    if (auto e = hardening::switch_user(std::get<hardening::UserIdentity>(user))) return e;
  }
  if (auto e = restrict_capabilities(o.role, o.keep_capabilities)) return e;
  if (!o.seccomp) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return std::string("no_new_privs failed");
    return std::nullopt;
  }
  return hardening::restrict_syscalls(o.syscalls);
}

}  // namespace rosenpass::wireguard
