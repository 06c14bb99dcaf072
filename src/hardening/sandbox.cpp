#include "rosenpass/hardening/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <memory>
#include <span>

#include "seccomp_filters.h"  // generated (seccomp_gen/seccomp_bpf_gen.cpp)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(RP_SANITIZED_BUILD)
#define RP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define RP_SANITIZED 1
#endif
#endif

namespace rosenpass::hardening {
namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}
base::Error errno_error(const std::string& what) {
  return base::make_error(errno_text(what.c_str()));
}


}  // namespace

base::Result<UserIdentity> lookup_user(std::string_view name_or_uid) {
  std::string name(name_or_uid);
  passwd pw{}, *found = nullptr;
  std::vector<char> buf(16384);
  uid_t uid = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), uid);
  bool numeric = ec == std::errc() && p == name.data() + name.size() && !name.empty();
  int rc = numeric ? ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found)
                   : ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  UserIdentity u;
  if (rc != 0 || !found) {
    if (!numeric) return base::make_error("no such user \"" + name + "\"");
    // A bare number without a passwd entry: its own group, no supplementary groups.
    u.name = name;
    u.uid = uid;
    u.gid = static_cast<gid_t>(uid);
    return u;
  }
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  int n = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    ::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n);
  }
  groups.resize(static_cast<std::size_t>(std::max(n, 0)));
  u.groups = std::move(groups);
  return u;
}

base::Status switch_user(const UserIdentity& user) {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno_error("keeping capabilities");
  if (::setgroups(user.groups.size(), user.groups.data()) != 0) {
    return errno_error("setting the groups of user \"" + user.name + "\"");
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0) {
    return errno_error("switching to the group of user \"" + user.name + "\"");
  }
  if (::setresuid(user.uid, user.uid, user.uid) != 0) {
    return errno_error("switching to user \"" + user.name + "\"");
  }
  ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  // Make sure there is no way back.
  if (user.uid != 0 && ::setresuid(0, 0, 0) == 0) return base::make_error("could not give up root");
  // The switch cleared the effective set; make the kept permitted set effective again so the
  // caller can cut it down (dropping from the bounding set needs CAP_SETPCAP effective).
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return errno_error("capget");
  for (auto& d : data) d.effective = d.permitted;
  if (::syscall(SYS_capset, &header, data) != 0) return errno_error("capset");
  return base::Ok{};
}

bool seccomp_filter_in_this_build() {
#ifdef RP_SANITIZED
  return false;
#else
  return true;
#endif
}

std::optional<std::string> restrict_syscalls(SyscallProfile profile) {
  // No exec can ever gain privileges again (setuid binaries, file capabilities).
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno_text("setting no_new_privs");
  if (!seccomp_filter_in_this_build()) return std::nullopt;
  // The filter libseccomp compiled at build time from syscall_lists.h (default action: kill
  // the process; clone3 fails with ENOSYS so glibc falls back to clone), loaded as
  // libseccomp's seccomp_load() does with default attributes (no flags).
  const std::span<const sock_filter> f = profile == SyscallProfile::kSpawner
                                             ? std::span<const sock_filter>(generated::kSpawnerFilter)
                                             : std::span<const sock_filter>(generated::kNetworkServiceFilter);
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(f.size());
  prog.filter = const_cast<sock_filter*>(f.data());  // the kernel only reads it
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
    return std::string("installing the seccomp filter: ") + std::strerror(errno);
  }
  return std::nullopt;
}

}  // namespace rosenpass::hardening
